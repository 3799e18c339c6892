import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 for the tests: STARTTLS with smtp-server's
 * built-in self-signed certificate, optional AUTH, and a hook that may refuse
 * a message with any reply code. Received messages are parsed with mailparser.
 */
export type Received = Readonly<{ raw: string; mail: ParsedMail; secure: boolean; user: string | undefined }>;

export type Refusal = Readonly<{ code: number; message: string }>;

export type LoopbackSmtp = {
  port: number;
  received: Received[];
  /** Decide per message (by its Message-ID): undefined accepts. */
  refuse: (messageId: string | undefined, raw: string) => Refusal | undefined;
  stop: () => Promise<void>;
  start: () => Promise<void>;
};

export const startLoopbackSmtp = async (
  options: Readonly<{ auth?: { user: string; pass: string }; port?: number; parse?: boolean }> = {},
): Promise<LoopbackSmtp> => {
  let server: SMTPServer | undefined;
  const self: LoopbackSmtp = {
    port: options.port ?? 0,
    received: [],
    refuse: () => undefined,
    stop: async () => {
      const s = server;
      server = undefined;
      if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    start: async () => {
      const s = new SMTPServer({
        logger: false,
        authOptional: options.auth === undefined,
        allowInsecureAuth: false,
        // A stop drops open connections after 20 ms with "421 Server shutting down", like a restarting MTA.
        closeTimeout: 20,
        size: 10 * 1024 * 1024,
        onAuth: (auth, _session, callback) => {
          if (options.auth !== undefined && auth.username === options.auth.user && auth.password === options.auth.pass)
            callback(null, { user: auth.username });
          else callback(new Error('535 5.7.8 authentication failed'));
        },
        onData: (stream, session: SMTPServerSession, callback) => {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            const messageId = /^message-id:\s*(\S+)/im.exec(raw)?.[1];
            const refusal = self.refuse(messageId, raw);
            if (refusal !== undefined) {
              const error = new Error(refusal.message) as Error & { responseCode: number };
              error.responseCode = refusal.code;
              callback(error);
              return;
            }
            const user = typeof session.user === 'string' ? session.user : undefined;
            if (options.parse === false) {
              self.received.push({ raw, mail: { messageId } as ParsedMail, secure: session.secure, user });
              callback();
              return;
            }
            simpleParser(raw).then(
              (mail) => {
                self.received.push({ raw, mail, secure: session.secure, user });
                callback();
              },
              (error: Error) => callback(error),
            );
          });
        },
      });
      s.on('error', () => undefined);
      await new Promise<void>((resolve) => s.listen(self.port, '127.0.0.1', () => resolve()));
      const address = s.server.address();
      if (typeof address === 'object' && address !== null) self.port = address.port;
      server = s;
    },
  };
  await self.start();
  return self;
};

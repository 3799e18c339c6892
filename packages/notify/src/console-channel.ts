import { sent, type ChannelAdapter } from './channel.js';

/** Development: print each message (plain text part) instead of sending it. Works for any channel. */
export const consoleChannel = (print: (line: string) => void = console.log): ChannelAdapter => ({
  name: 'console',
  send: async ({ intent, rendered }) => {
    const to = intent.to.name === undefined ? intent.to.address : `${intent.to.name} <${intent.to.address}>`;
    print(
      [
        `--- ${intent.channel} to ${to} [${rendered.language}, ${rendered.dir}] id ${intent.id}`,
        ...(intent.channel === 'email' ? [`Subject: ${rendered.subject}`, '', rendered.text] : [rendered.sms]),
      ].join('\n'),
    );
    return sent('printed');
  },
});

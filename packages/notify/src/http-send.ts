import { failed, sent, type SendResult } from './channel.js';

/**
 * One HTTP request with a deadline, classified for the dispatcher (shared by
 * the webhook and SMS gateway channels). 2xx: sent, with the response kept.
 * 408, 425, 429, any 5xx, a timeout or a dropped connection: try again
 * later. Any other status is a refusal that a retry cannot change (a bad
 * number, bad credentials): final, with the response for the record.
 */
export type HttpRequest = Readonly<{
  url: string;
  headers: Readonly<Record<string, string>>;
  body: string;
  timeoutMs: number;
}>;

const RETRYABLE = new Set([408, 425, 429]);

export const postClassified = async (
  request: HttpRequest,
  providerId?: (body: string) => string | undefined,
): Promise<SendResult> => {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `timed out after ${request.timeoutMs} ms`
        : String(error);
    return failed(true, `POST ${request.url}: ${reason}`);
  }
  const text = await response.text().catch(() => '');
  const reply = `${response.status} ${text.slice(0, 500)}`.trim();
  if (response.ok) return sent(reply, providerId?.(text));
  return failed(response.status >= 500 || RETRYABLE.has(response.status), `POST ${request.url}: ${reply}`);
};

import { ConnectorError } from '../contract/connector-error';

/** The fields nodemailer puts on its errors (NodemailerError); all optional. */
interface SmtpFailure {
  code?: string;
  originalCode?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  message?: string;
}

/** Replies that mean the credentials (or their absence) are the problem. */
const AUTH_REPLIES = new Set([530, 534, 535, 538]);

/** Node's codes for a certificate that does not verify. */
const CERTIFICATE =
  /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH/;

/** "535 5.7.8 Authentication credentials invalid" → "535 5.7.8": the codes, never the text. */
function replyCodes(failure: SmtpFailure): string {
  const enhanced = failure.response
    ? /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(failure.response)
    : null;
  return enhanced ? `${failure.responseCode} ${enhanced[1]}` : String(failure.responseCode);
}

function asFailure(err: unknown): SmtpFailure {
  return err !== null && typeof err === 'object' ? (err as SmtpFailure) : {};
}

/**
 * SMTP failure → ConnectorError. Messages carry the command, the reply code and the enhanced
 * status code (5.7.8, 4.7.1 …); never the server's text, which may quote addresses or data.
 */
export function toEmailError(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const f = asFailure(err);
  const at = f.command ? `email ${f.command}` : 'email';
  const codes = [f.code, f.originalCode].filter((c): c is string => typeof c === 'string');
  if (typeof f.responseCode === 'number' && f.responseCode >= 400) {
    const reply = `${at}: SMTP ${replyCodes(f)}`;
    // A 4xx to AUTH (454 4.7.0 temporary authentication failure) is retried like any 4xx.
    if (AUTH_REPLIES.has(f.responseCode) || (f.code === 'EAUTH' && f.responseCode >= 500))
      return ConnectorError.auth(
        `${reply} (${f.responseCode === 530 ? 'the relay requires authentication' : 'credentials rejected'})`,
      );
    if (f.responseCode < 500)
      return new ConnectorError(`${reply} (try again later)`, 'unavailable', true);
    return ConnectorError.invalid(`${reply} (rejected)`);
  }
  if (f.code === 'EAUTH' || f.code === 'ENOAUTH')
    return ConnectorError.auth(`${at}: authentication failed (${f.code})`);
  if (
    codes.some((c) => CERTIFICATE.test(c)) ||
    (f.code === 'ETLS' && CERTIFICATE.test(f.message ?? ''))
  )
    return ConnectorError.invalid(
      `${at}: the relay's TLS certificate is not trusted (${codes.join(', ')}); set rejectUnauthorized false only for a self-signed relay`,
    );
  if (f.code === 'ETIMEDOUT')
    return new ConnectorError(`${at}: timed out (ETIMEDOUT)`, 'unavailable', true);
  const what = codes.includes('ECONNREFUSED') ? 'connection refused' : 'connection failed';
  return new ConnectorError(
    `${at}: ${what} (${codes.join(', ') || 'unknown'})`,
    'unavailable',
    true,
  );
}

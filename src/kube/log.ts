// The request log behind `-v LEVEL` (kubectl style), with every known secret masked.

/** Where log lines go and how much to say. */
export interface RequestLogger {
  readonly level: number;
  /** Writes one line (a newline is added) after masking every registered secret. */
  line(text: string): void;
  /** Registers a value that must never be printed (tokens, passwords, keys). */
  secret(value: string | undefined): void;
  /** The text with every registered secret replaced by `<masked>`. */
  mask(text: string): string;
}

// JSON fields whose values are credentials wherever they appear in a logged body.
const SECRET_FIELDS =
  /("(?:token|password|access-token|id-token|refresh-token|client-key-data|clientKeyData|client-certificate-data|clientCertificateData)"\s*:\s*)"[^"]*"/g;

/** Credentials in a URL's userinfo (`https://user:pass@host`) replaced by `<masked>`. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1<masked>@');
}

/** A logger writing to `write`, active at `level` ≥ 1 (6: one line per request, 7: headers, 8: bodies). */
export function createRequestLogger(level: number, write: (s: string) => void): RequestLogger {
  const secrets = new Set<string>();
  const mask = (text: string): string => {
    let out = text.replace(/(authorization:\s*)(\S+)(\s+\S+)?/gi, (_m, head: string, scheme: string, rest?: string) =>
      rest ? `${head}${scheme} <masked>` : `${head}<masked>`,
    );
    out = out.replace(SECRET_FIELDS, '$1"<masked>"');
    out = maskUrlCredentials(out);
    // Longest first, so a secret containing another is masked whole.
    for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('<masked>');
    return out;
  };
  return {
    level,
    line: (text) => write(`${mask(text)}\n`),
    secret(value) {
      // Very short values would mask random text; real credentials are long.
      if (value && value.length >= 4) secrets.add(value);
    },
    mask,
  };
}

/** A logger that says nothing (level 0), still usable for masking. */
export function silentLogger(): RequestLogger {
  return createRequestLogger(0, () => undefined);
}

// Paths pino censors in every log line: credentials and tokens never reach a log.
export const LOG_REDACT_PATHS = [
  'password', '*.password', '*.*.password', 'credentials', '*.credentials', 'ciphertext', '*.ciphertext',
  'apiToken', 'masterKey', 'req.headers.authorization', 'headers.authorization',
];

// Reports never carry credentials. What counts as one is decided in one place for the whole
// package (src/secrets/redact.ts); the checks use that policy as it is.
export { REDACTED, redactHeaders, redactText, redactValue } from '../secrets/redact.ts';

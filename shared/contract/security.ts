/**
 * The Content-Security-Policy of the renderer, in the desktop app and in browser mode alike
 * (architecture.md, "Security baseline"). Inline styles are allowed because ag-grid injects them.
 */
export const contentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'";

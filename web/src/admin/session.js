// The admin's login session: asks the api node for a JWT (POST /auth/login)
// and keeps it in sessionStorage, so a reload stays logged in but closing the
// tab logs out.

const TOKEN_KEY = 'live-analytics.admin.token';
const EMAIL_KEY = 'live-analytics.admin.email';

/** The stored session {token, email}, or null when logged out or the token has expired. */
export function loadSession() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token || isExpired(token)) return null;
  return { token, email: sessionStorage.getItem(EMAIL_KEY) ?? '' };
}

/** Forgets the stored token. */
export function clearSession() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(EMAIL_KEY);
}

/**
 * Logs in with the api node and stores the token. Resolves to the session,
 * or throws an Error whose message is fit to show (the server's own message
 * for a 400 or 401).
 */
export async function logIn(email, password) {
  let response;
  try {
    response = await fetch('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
  } catch (error) {
    throw new Error(`Cannot reach the server (${error.message}).`);
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const reason = typeof body.message === 'string' ? body.message : `HTTP ${response.status}`;
    throw new Error(`Login failed: ${reason}.`);
  }
  if (typeof body.token !== 'string') throw new Error('Login failed: the server sent no token.');
  sessionStorage.setItem(TOKEN_KEY, body.token);
  sessionStorage.setItem(EMAIL_KEY, email);
  return { token: body.token, email };
}

/** True when the JWT's `exp` claim is in the past. A token we cannot read is left to the server to judge. */
export function isExpired(token, nowMs = Date.now()) {
  const exp = readClaims(token)?.exp;
  return typeof exp === 'number' && exp * 1000 <= nowMs;
}

/** The JWT's payload claims, or null if the token is not a readable JWT. Not a verification. */
function readClaims(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload));
  } catch {
    return null;
  }
}

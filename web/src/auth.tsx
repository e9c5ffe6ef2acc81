// Who is signed in. The session lives in an HttpOnly cookie; the app keeps the user, their
// permissions and the CSRF token, and forgets them when the server answers 401.
import { createContext, ReactNode, useCallback, useContext, useEffect, useState } from 'react';

import { ApiError, del, get, post, SESSION_EXPIRED, setCsrfToken } from './api';

export type User = {
  username: string;
  role: string;
  collector_id: string;
  team: string;
  permissions: string[];
};

type Session = { user: User; csrf_token: string | null; expires_at: string | null };

type Auth = {
  user: User | null;
  /** true until the first "who am I" answer */
  checking: boolean;
  /** the session ended on its own (not by signing out) */
  expired: boolean;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  can: (permission: string) => boolean;
};

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(true);
  const [expired, setExpired] = useState(false);

  const accept = (session: Session) => {
    setCsrfToken(session.csrf_token);
    setUser(session.user);
    setExpired(false);
  };

  useEffect(() => {
    get<Session>('/api/v1/session')
      .then(accept)
      .catch(() => setUser(null))
      .finally(() => setChecking(false));
    const onExpired = () => {
      setCsrfToken(null);
      setUser((current) => {
        if (current) setExpired(true);
        return null;
      });
    };
    window.addEventListener(SESSION_EXPIRED, onExpired);
    return () => window.removeEventListener(SESSION_EXPIRED, onExpired);
  }, []);

  const signIn = useCallback(async (username: string, password: string) => {
    accept(await post<Session>('/api/v1/session', { username, password }));
  }, []);

  const signOut = useCallback(async () => {
    try {
      await del('/api/v1/session');
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
    setCsrfToken(null);
    setUser(null);
    setExpired(false);
  }, []);

  const can = useCallback(
    (permission: string) => !!user && user.permissions.includes(permission),
    [user],
  );

  return (
    <AuthContext.Provider value={{ user, checking, expired, signIn, signOut, can }}>
      {children}
    </AuthContext.Provider>
  );
}

export function useAuth() {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

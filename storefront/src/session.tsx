import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

export interface Session {
  token: string;
  sub: string;
  roles: string[];
}

const STORAGE_KEY = 'shop.session';

/** Reads the claims of a JWT without verifying it (the BFF verifies; the UI only needs sub and roles). */
export function sessionFromToken(token: string): Session | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown; roles?: unknown; exp?: unknown };
    if (typeof claims.sub !== 'string') return null;
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return null;
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    return { token: token.trim(), sub: claims.sub, roles };
  } catch {
    return null;
  }
}

function readStored(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? sessionFromToken(raw) : null;
  } catch {
    return null;
  }
}

interface SessionState {
  session: Session | null;
  signIn(token: string): Session | null;
  signOut(): void;
}

const SessionContext = createContext<SessionState>({ session: null, signIn: () => null, signOut: () => undefined });

/** The signed-in person, kept in localStorage so every tab of the shop shares it. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(readStored);
  useEffect(() => {
    // another tab signed in or out
    const onStorage = (e: StorageEvent) => {
      if (e.key === STORAGE_KEY) setSession(readStored());
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);
  const signIn = useCallback((token: string) => {
    const next = sessionFromToken(token);
    if (next) {
      localStorage.setItem(STORAGE_KEY, next.token);
      setSession(next);
    }
    return next;
  }, []);
  const signOut = useCallback(() => {
    localStorage.removeItem(STORAGE_KEY);
    setSession(null);
  }, []);
  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);
export const isAdmin = (session: Session | null) => session?.roles.includes('admin') ?? false;

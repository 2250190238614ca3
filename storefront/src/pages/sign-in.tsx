import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ErrorNotice, Loading, PageTitle } from '../components';
import type { RuntimeConfig } from '../runtime-config';
import { useSession } from '../session';

interface Identity {
  sub: string;
  name: string;
  roles: string[];
}

/**
 * Development: pick a demo person and get a token from the BFF's /dev/token. Anywhere: paste a
 * token issued by the deployment's identity provider.
 */
export function SignInPage({ config }: { config: RuntimeConfig }) {
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [identities, setIdentities] = useState<Identity[] | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState<string | null>(null);
  const [pasted, setPasted] = useState('');
  const [pasteError, setPasteError] = useState<string | null>(null);

  useEffect(() => {
    if (!config.devSignInUrl) return;
    fetch(`${config.devSignInUrl}/identities`)
      .then(async (res) => {
        if (!res.ok) throw new Error(`The demo sign-in answered ${res.status}`);
        setIdentities(((await res.json()) as { identities: Identity[] }).identities);
      })
      .catch((e: Error) => setError(e.message.includes('fetch') ? new Error('The demo sign-in cannot be reached (is the web BFF running?).') : e));
  }, [config.devSignInUrl]);

  const signInAs = async (identity: Identity) => {
    setBusy(identity.sub);
    setError(undefined);
    try {
      const res = await fetch(`${config.devSignInUrl}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: identity.sub, roles: identity.roles }) });
      if (!res.ok) throw new Error(`The demo sign-in answered ${res.status}`);
      const { token } = (await res.json()) as { token: string };
      signIn(token);
      navigate(identity.roles.includes('admin') ? '/admin' : '/');
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(null);
    }
  };

  const usePasted = (e: FormEvent) => {
    e.preventDefault();
    if (signIn(pasted)) navigate('/');
    else setPasteError('That is not a valid, unexpired token.');
  };

  return (
    <div className="sign-in">
      <PageTitle>Sign in</PageTitle>
      {config.devSignInUrl ? (
        <section aria-labelledby="demo-heading">
          <h2 id="demo-heading">Sign in as a demo person</h2>
          <p>Development only: the web BFF signs a token for the person you pick. A real deployment uses its identity provider.</p>
          <ErrorNotice error={error} />
          {!identities && !error && <Loading what="demo people" />}
          {identities && (
            <ul className="identities">
              {identities.map((i) => (
                <li key={i.sub}>
                  <button type="button" onClick={() => void signInAs(i)} disabled={busy !== null}>
                    {busy === i.sub ? 'Signing in…' : `Sign in as ${i.name}`}
                  </button>{' '}
                  <span className="meta">{i.roles.join(', ')}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
      <section aria-labelledby="token-heading">
        <h2 id="token-heading">Use a token</h2>
        <form onSubmit={usePasted}>
          <label htmlFor="token">Bearer token (JWT)</label>
          <textarea id="token" rows={3} value={pasted} onChange={(e) => setPasted(e.target.value)} aria-describedby={pasteError ? 'token-error' : undefined} />
          <button type="submit">Sign in with this token</button>
          {pasteError && (
            <p id="token-error" className="field-error" role="alert">
              {pasteError}
            </p>
          )}
        </form>
      </section>
    </div>
  );
}

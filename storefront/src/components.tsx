import { useQuery } from '@apollo/client/react';
import { CombinedGraphQLErrors, type ErrorLike } from '@apollo/client';
import { useEffect, useRef, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { CartDocument } from './gql/graphql';
import { isAdmin, useSession } from './session';

const SERVICE_PARTS: Record<string, string> = {
  catalog: 'product details, prices and stock',
  cart: 'the cart',
  discount: 'coupons and discounts',
  order: 'orders',
};

interface ErrorEntry {
  message: string;
  code?: string;
  serviceName?: string;
  path?: string;
}

export function errorEntries(error: ErrorLike | undefined): ErrorEntry[] {
  if (!error) return [];
  if (CombinedGraphQLErrors.is(error)) {
    return error.errors.map((e) => ({
      message: e.message,
      code: typeof e.extensions?.code === 'string' ? e.extensions.code : undefined,
      serviceName: typeof e.extensions?.serviceName === 'string' ? e.extensions.serviceName : undefined,
      path: e.path?.join('.'),
    }));
  }
  return [{ message: error.message.includes('Failed to fetch') ? 'The shop cannot be reached right now (network error).' : error.message }];
}

/**
 * What went wrong, in words. With partial data ("a subgraph is down"), says which part is missing
 * while the rest of the page shows what did answer.
 */
export function ErrorNotice({ error, partial = false, retry }: { error: ErrorLike | undefined; partial?: boolean; retry?: () => void }) {
  const entries = errorEntries(error);
  if (entries.length === 0) return null;
  const lines = [...new Set(entries.map(describe))];
  return (
    <div className={partial ? 'notice notice-warning' : 'notice notice-error'} role="alert">
      <p>
        <strong>{partial ? 'Part of this page could not be loaded.' : 'Something went wrong.'}</strong>
      </p>
      <ul>
        {lines.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      {retry && (
        <button type="button" className="button-secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

function describe(e: ErrorEntry): string {
  if (e.code === 'SUBGRAPH_UNAVAILABLE' || e.serviceName) {
    const service = e.serviceName ?? 'a';
    const part = SERVICE_PARTS[service] ?? e.path ?? 'some details';
    return `The ${service} service is not answering, so ${part} ${part.endsWith('s') ? 'are' : 'is'} missing below.`;
  }
  if (e.code === 'UNAUTHENTICATED') return 'Your sign-in is no longer valid. Please sign in again.';
  if (e.code === 'FORBIDDEN') return 'This needs the admin role.';
  if (e.code === 'RATE_LIMITED') return 'Too many requests. Please wait a moment.';
  return e.message;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** A page's title: focused on navigation so screen readers announce the new page. */
export function PageTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const { pathname: path } = useLocation();
  useEffect(() => {
    const text = typeof children === 'string' ? children : ref.current?.textContent;
    if (text) document.title = `${text} · Shop`;
    ref.current?.focus({ preventScroll: true });
  }, [path]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

export function SignInPrompt({ what }: { what: string }) {
  return (
    <Empty>
      <p>Sign in to see {what}.</p>
      <Link to="/sign-in" className="button">
        Sign in
      </Link>
    </Empty>
  );
}

function CartLink() {
  const { session } = useSession();
  const { data } = useQuery(CartDocument, { skip: !session });
  const count = data?.cart?.totalQuantity ?? 0;
  return (
    <Link to="/cart" aria-label={`Cart, ${count} ${count === 1 ? 'item' : 'items'}`}>
      Cart <span className="badge">{count}</span>
    </Link>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { session, signOut } = useSession();
  const { pathname: path } = useLocation();
  const current = (prefix: string) => (prefix === '/' ? path === '/' || path.startsWith('/products') : path.startsWith(prefix)) ? 'page' : undefined;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand-mark">
          Shop
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link to="/" aria-current={current('/')}>
                Catalog
              </Link>
            </li>
            {session && (
              <li>
                <CartLink />
              </li>
            )}
            {session && (
              <li>
                <Link to="/orders" aria-current={current('/orders')}>
                  My orders
                </Link>
              </li>
            )}
            {isAdmin(session) && (
              <li>
                <Link to="/admin" aria-current={current('/admin')}>
                  Back office
                </Link>
              </li>
            )}
          </ul>
        </nav>
        <div className="session">
          {session ? (
            <>
              <span className="who">
                Signed in as <strong>{session.sub}</strong>
              </span>
              <button type="button" className="button-secondary" onClick={signOut}>
                Sign out
              </button>
            </>
          ) : (
            <Link to="/sign-in" className="button">
              Sign in
            </Link>
          )}
        </div>
      </header>
      <main id="main">{children}</main>
      <footer className="site-footer">
        <p>shop-graph demo storefront — every request is a document from contract/.</p>
      </footer>
    </>
  );
}

/** Forward cursor paging: Next pushes the cursor into the URL; Previous goes back in history. */
export function Pager({ page, hasNextPage, onNext, onPrevious, label }: { page: number; hasNextPage: boolean; onNext(): void; onPrevious(): void; label: string }) {
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" className="button-secondary" onClick={onPrevious} disabled={page <= 1}>
        Previous page
      </button>
      <span aria-live="polite">Page {page}</span>
      <button type="button" className="button-secondary" onClick={onNext} disabled={!hasNextPage}>
        Next page
      </button>
    </nav>
  );
}

export function UserErrors({ errors }: { errors: readonly { code: string; message: string; field?: string | null }[] | undefined }) {
  if (!errors || errors.length === 0) return null;
  return (
    <div className="notice notice-error" role="alert">
      <ul>
        {errors.map((e) => (
          <li key={`${e.code}:${e.message}`}>{e.message}</li>
        ))}
      </ul>
    </div>
  );
}

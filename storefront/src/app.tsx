import { ApolloProvider } from '@apollo/client/react';
import { useEffect, useMemo } from 'react';
import { createApolloClient } from './apollo';
import { Empty, Layout, PageTitle } from './components';
import { BackOfficePage } from './pages/back-office';
import { CartPage } from './pages/cart';
import { CatalogPage } from './pages/catalog';
import { MyOrdersPage } from './pages/my-orders';
import { OrderPage } from './pages/order';
import { ProductPage } from './pages/product';
import { SignInPage } from './pages/sign-in';
import { Link, matchPath, RouterProvider, useLocation } from './router';
import type { RuntimeConfig } from './runtime-config';
import { SessionProvider, useSession } from './session';

function Routes({ config }: { config: RuntimeConfig }) {
  const { path } = useLocation();
  const product = matchPath('/products/:id', path);
  const order = matchPath('/orders/:id', path);
  if (path === '/') return <CatalogPage productImages={config.productImages} />;
  if (product) return <ProductPage id={product.id} productImages={config.productImages} />;
  if (path === '/cart') return <CartPage />;
  if (path === '/orders') return <MyOrdersPage />;
  if (order) return <OrderPage id={order.id} />;
  if (path === '/sign-in') return <SignInPage config={config} />;
  if (path === '/admin' || path.startsWith('/admin/')) return <BackOfficePage />;
  return (
    <Empty>
      <PageTitle>Page not found</PageTitle>
      <Link to="/">Back to the catalog</Link>
    </Empty>
  );
}

/** A new Apollo Client per token: nothing cached for one person is shown to the next. */
function Connected({ config }: { config: RuntimeConfig }) {
  const { session } = useSession();
  const token = session?.token ?? null;
  const client = useMemo(() => createApolloClient(config, token), [config, token]);
  useEffect(() => () => client.stop(), [client]);
  return (
    <ApolloProvider client={client}>
      <Layout>
        <Routes config={config} />
      </Layout>
    </ApolloProvider>
  );
}

export function App({ config }: { config: RuntimeConfig }) {
  return (
    <RouterProvider>
      <SessionProvider>
        <Connected config={config} />
      </SessionProvider>
    </RouterProvider>
  );
}

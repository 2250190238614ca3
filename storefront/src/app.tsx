import { ApolloProvider } from '@apollo/client/react';
import { useEffect, useMemo, type ReactElement } from 'react';
import { BrowserRouter, Link, useParams, useRoutes } from 'react-router';
import { createApolloClient } from './apollo';
import { Empty, Layout, PageTitle } from './components';
import { BackOfficePage } from './pages/back-office';
import { CartPage } from './pages/cart';
import { CatalogPage } from './pages/catalog';
import { MyOrdersPage } from './pages/my-orders';
import { OrderPage } from './pages/order';
import { ProductPage } from './pages/product';
import { SignInPage } from './pages/sign-in';
import { PAGE_ROUTES, type Page } from './routes';
import type { RuntimeConfig } from './runtime-config';
import { SessionProvider, useSession } from './session';

/** The `:id` of the matched route (its route has one, so it is always there). */
function useRouteId(): string {
  return useParams<'id'>().id ?? '';
}

function ProductAtUrl({ productImages }: { productImages: boolean }) {
  return <ProductPage id={useRouteId()} productImages={productImages} />;
}

function OrderAtUrl() {
  return <OrderPage id={useRouteId()} />;
}

function NotFound() {
  return (
    <Empty>
      <PageTitle>Page not found</PageTitle>
      <Link to="/">Back to the catalog</Link>
    </Empty>
  );
}

/** The page at the URL (routes.ts says which URL is which page). */
function Pages({ config }: { config: RuntimeConfig }) {
  const elements: Record<Page, ReactElement> = {
    catalog: <CatalogPage productImages={config.productImages} />,
    product: <ProductAtUrl productImages={config.productImages} />,
    cart: <CartPage config={config} />,
    myOrders: <MyOrdersPage />,
    order: <OrderAtUrl />,
    signIn: <SignInPage config={config} />,
    backOffice: <BackOfficePage />,
    notFound: <NotFound />,
  };
  return useRoutes(PAGE_ROUTES.map((route) => ({ ...route, element: elements[route.id] })));
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
        <Pages config={config} />
      </Layout>
    </ApolloProvider>
  );
}

export function App({ config }: { config: RuntimeConfig }) {
  // no transitions: filters are checkboxes and selects read from the URL, so the URL must change in
  // the click's own render (as the hand-written router did); in a transition React first puts the
  // controlled input back to the old URL's state
  return (
    <BrowserRouter useTransitions={false}>
      <SessionProvider>
        <Connected config={config} />
      </SessionProvider>
    </BrowserRouter>
  );
}

import { matchRoutes, type Params } from 'react-router';

/**
 * Every storefront URL by the page it shows. Case-sensitive, as they always were; `/admin/*`: the
 * back office picks its section from the rest of the path; anything else is not found.
 */
export const PAGE_PATHS = {
  catalog: '/',
  product: '/products/:id',
  cart: '/cart',
  myOrders: '/orders',
  order: '/orders/:id',
  signIn: '/sign-in',
  backOffice: '/admin/*',
} as const;

export type Page = keyof typeof PAGE_PATHS | 'notFound';

export interface PageRoute {
  id: Page;
  path: string;
  caseSensitive: boolean;
}

/** The table React Router matches (`useRoutes` in app.tsx): one route per page, its id the page. */
export const PAGE_ROUTES: PageRoute[] = [
  ...(Object.entries(PAGE_PATHS) as [Page, string][]).map(([id, path]) => ({ id, path, caseSensitive: true })),
  { id: 'notFound', path: '*', caseSensitive: false },
];

/** The page a pathname shows and its (decoded) parameters, matched as the app matches it. */
export function pageAt(pathname: string): { page: Page; params: Params } {
  const match = matchRoutes(PAGE_ROUTES, pathname)?.[0];
  return { page: (match?.route.id as Page | undefined) ?? 'notFound', params: match?.params ?? {} };
}

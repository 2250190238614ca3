/**
 * What `npm start` prints once everything is ready: the URLs, and only what is switched on. Demo
 * tokens exist outside production only: in production a token signed with the real secret would
 * be a 12-hour admin credential in a terminal's scrollback and the logs that collect it.
 */
export interface BannerFacts {
  seconds: string;
  mode: { database: string; events: string };
  storefrontUrl: string;
  /** the storefront's demo sign-in and /dev/token (outside production) */
  devSignIn: boolean;
  web: { url: string; explorer: boolean };
  mobile: { url: string; explorer: boolean };
  subgraphs: Record<string, string>;
  /** demo tokens; absent in production */
  tokens?: { customer: string; admin: string };
  /** the simulated payment provider and its test cards; absent in production (it never runs there) */
  paymentProvider?: { url: string; testCards: readonly { number: string; description: string }[] };
}

/** `4242424242424242` → `4242 4242 4242 4242`, as a card shows it */
const spacedNumber = (number: string): string => number.replace(/(\d{4})(?=\d)/g, '$1 ');

/** The banner's lines. */
export function bannerLines(facts: BannerFacts): string[] {
  const { web, mobile } = facts;
  return [
    '',
    `Shop platform ready in ${facts.seconds} s (database: ${facts.mode.database}, events: ${facts.mode.events})`,
    '',
    `  storefront    ${facts.storefrontUrl}      (${facts.devSignIn ? 'sign in as a demo customer or the admin; ' : ''}back office at ${facts.storefrontUrl}/admin)`,
    `  web BFF       ${web.url}/graphql${web.explorer ? `      (Apollo Sandbox in a browser; offline explorer: ${web.url}/graphiql)` : ''}`,
    `  mobile BFF    ${mobile.url}/graphql      (trusted documents only${mobile.explorer ? `; explorer: ${mobile.url}/graphiql` : ''})`,
    `  subscriptions ${web.url.replace('http', 'ws')}/graphql`,
    `  subgraphs     ${Object.entries(facts.subgraphs).map(([name, url]) => `${name} ${url}`).join('  ')}`,
    ...(facts.paymentProvider
      ? [
          `  payments      ${facts.paymentProvider.url}      (the simulated provider; test cards, any future expiry, any 3-digit cvc:)`,
          ...facts.paymentProvider.testCards.map((card) => `    ${spacedNumber(card.number)}  ${card.description}`),
        ]
      : []),
    '',
    ...(facts.tokens
      ? ['  customer token (sub alice):', `    ${facts.tokens.customer}`, '  admin token (sub admin):', `    ${facts.tokens.admin}`, '', '  more tokens: npm run token -- --sub bob --roles customer', '']
      : ['  tokens: from your identity provider (NODE_ENV=production: no demo tokens are minted)', '']),
  ];
}

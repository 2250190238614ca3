import { bannerLines, type BannerFacts } from './start-banner';

const facts = (overrides: Partial<BannerFacts>): BannerFacts => ({
  seconds: '6.1',
  mode: { database: 'embedded', events: 'in-process' },
  storefrontUrl: 'http://localhost:3000',
  devSignIn: true,
  web: { url: 'http://localhost:4000', explorer: true },
  mobile: { url: 'http://localhost:4100', explorer: true },
  subgraphs: { catalog: 'http://localhost:4001' },
  tokens: { customer: 'eyJ.customer.sig', admin: 'eyJ.admin.sig' },
  ...overrides,
});

describe('the npm start banner', () => {
  it('in development: the explorers and the demo tokens', () => {
    const text = bannerLines(facts({})).join('\n');
    expect(text).toContain('Apollo Sandbox');
    expect(text).toContain('http://localhost:4000/graphiql');
    expect(text).toContain('eyJ.admin.sig');
  });

  it('in production (explorers off, no tokens): no Sandbox, no /graphiql, no token, no demo sign-in', () => {
    const text = bannerLines(facts({ devSignIn: false, web: { url: 'http://localhost:4000', explorer: false }, mobile: { url: 'http://localhost:4100', explorer: false }, tokens: undefined })).join('\n');
    expect(text).not.toMatch(/Sandbox|graphiql|explorer|eyJ|demo customer/);
    expect(text).toContain('no demo tokens are minted');
  });
});

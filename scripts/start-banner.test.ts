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

  it('outside production with the simulated provider: its URL and every test card, grouped as on a card', () => {
    const text = bannerLines(facts({ paymentProvider: { url: 'http://localhost:4090', testCards: [{ number: '4242424242424242', description: 'approved' }, { number: '4000000000000002', description: 'declined' }] } })).join('\n');
    expect(text).toMatch(/payments +http:\/\/localhost:4090/);
    expect(text).toContain('4242 4242 4242 4242  approved');
    expect(text).toContain('4000 0000 0000 0002  declined');
  });

  it('without the simulator (production, or another provider): no payments line, no card', () => {
    expect(bannerLines(facts({})).join('\n')).not.toMatch(/payments|4242/);
  });
});

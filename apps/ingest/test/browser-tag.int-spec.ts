import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Browser, chromium } from 'playwright-core';
import { WebHitEnvelope } from '@tagrelay/contracts';
import { RunningHttpService } from '@tagrelay/runtime';
import {
  createTestContext,
  readTopic,
  seedConfig,
  TestContext,
  testSite,
  waitFor,
} from '@tagrelay/testing';
import { bootstrap } from '../src/bootstrap';

const CHROMIUM = '/usr/bin/chromium';

/**
 * The browser tag in a real headless Chromium, on a page served from another
 * local origin (the shop), sending to the ingest service.
 */
describe('browser tag', () => {
  let context: TestContext;
  let sut: RunningHttpService;
  let browser: Browser;
  let shop: Server;
  let shopOrigin: string;
  let page = '';

  beforeAll(async () => {
    shop = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end(page);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    shopOrigin = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
    context = createTestContext();
    await context.createTopics();
    await seedConfig({ uri: context.mongodbUri, database: context.database }, [
      testSite({
        allowedOrigins: [shopOrigin],
        cookies: ['_fbp', '_ga'],
        variables: ['page_type'],
      }),
    ]);
    sut = await bootstrap(context.env());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await sut?.close();
    await context.cleanup();
    shop?.close();
  });

  const visit = async (dataLayer: unknown[], cookies: Record<string, string>) => {
    page = `<!doctype html><html><head>
      <script>window.dataLayer = ${JSON.stringify(dataLayer)};</script>
      <script src="${sut.url}/v1/tag/shop/web.js"></script></head><body>shop</body></html>`;
    const browserContext = await browser.newContext();
    await browserContext.addCookies(
      Object.entries(cookies).map(([name, value]) => ({ name, value, url: shopOrigin })),
    );
    const tab = await browserContext.newPage();
    const requests: string[] = [];
    tab.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
    await tab.goto(`${shopOrigin}/cart`);
    return { tab, browserContext, requests, cookies: () => browserContext.cookies() };
  };

  it('sends the page cookies, the key and the consent state, and sets no cookie', async () => {
    const cookies = { _fbp: 'fb.1.1700000000.42', _ga: 'GA1.1.111.222', session: 'private' };
    const visited = await visit(
      [
        { user_id: 'browser-1', page_type: 'cart' },
        { consent: { marketing: true, analytics: false } },
      ],
      cookies,
    );

    const [hit] = await readTopic<WebHitEnvelope>(
      context.kafkaBrokers,
      `${context.topicPrefix}hits.web`,
      1,
    );
    expect(hit.key).toBe('shop:browser-1');
    expect(hit.value).toMatchObject({
      kind: 'web',
      keys: { user_id: 'browser-1' },
      cookies: { _fbp: cookies._fbp, _ga: cookies._ga },
      variables: { page_type: 'cart' },
      consent: { marketing: true, analytics: false },
      page: { url: `${shopOrigin}/cart` },
    });
    expect(hit.value.cookies).not.toHaveProperty('session');
    expect((await visited.cookies()).map((cookie) => cookie.name).sort()).toEqual([
      '_fbp',
      '_ga',
      'session',
    ]);
    await visited.browserContext.close();
  });

  it('sends nothing while consent is denied, and sends once it is granted', async () => {
    const visited = await visit(
      [{ user_id: 'browser-2' }, { consent: { marketing: false, analytics: false } }],
      {},
    );
    await visited.tab.waitForLoadState('networkidle');

    expect(visited.requests.filter((request) => request.includes('/v1/web/'))).toEqual([]);

    // NOTE: a string runs in the page (the tests compile without DOM types).
    await visited.tab.evaluate('window.dataLayer.push({ consent: { analytics: true } })');
    await waitFor('the web hit after consent', () =>
      visited.requests.some(
        (request) => request.startsWith('POST') && request.includes('/v1/web/shop/web'),
      ),
    );
    const hits = await readTopic<WebHitEnvelope>(
      context.kafkaBrokers,
      `${context.topicPrefix}hits.web`,
      2,
    );
    expect(hits.filter((hit) => hit.value.keys.user_id === 'browser-2')).toHaveLength(1);
    expect(hits.find((hit) => hit.value.keys.user_id === 'browser-2')!.value.consent).toEqual({
      marketing: false,
      analytics: true,
    });
    await visited.browserContext.close();
  });
});

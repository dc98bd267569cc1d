import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from 'mongoose';
import { connectMongo, digestWriteKey, SiteConfigRepository } from '@tagrelay/store';
import { createTestContext, TestContext } from '@tagrelay/testing';
import { bootstrap } from '../src/bootstrap';

const SHOP = `
sites:
  - siteId: shop
    name: Demo shop
    containers:
      - containerId: web
        writeKeys: [wk_0123456789abcdef]
        allowedOrigins: [https://shop.example]
        reconciliationKeys: [user_id, basket_id]
        cookies: [_fbp, _fbc, _ga]
        matchWindowMs: 2000
        destinations:
          - destinationId: meta-main
            partner: meta
            credentials: { pixelId: "123", accessToken: secret }
            consentCategory: marketing
          - destinationId: hook
            partner: webhook
            options: { url: "http://127.0.0.1:8099/hook" }
`;

describe('config import', () => {
  let context: TestContext;
  let connection: Connection;
  let repository: SiteConfigRepository;
  let folder: string;

  const importYaml = async (yaml: string) => {
    const file = join(folder, `config-${Math.random()}.yaml`);
    await writeFile(file, yaml);
    const lines: string[] = [];
    await bootstrap(['config', 'import', file], {
      env: context.env(),
      out: (line) => lines.push(line),
    });
    return lines;
  };

  beforeAll(async () => {
    context = createTestContext();
    folder = await mkdtemp(join(tmpdir(), 'tagrelay-config-'));
    connection = await connectMongo({ uri: context.mongodbUri, database: context.database });
    repository = new SiteConfigRepository(connection);
  });

  afterAll(async () => {
    await connection.close();
    await context.cleanup();
  });

  it('stores containers with digested write keys and their destinations', async () => {
    const lines = await importYaml(SHOP);

    expect(lines).toEqual([
      'imported 1 sites, 1 containers, 2 destinations (removed 0 containers, 0 destinations)',
    ]);
    const container = await repository.findContainer('shop', 'web');
    expect(container).toMatchObject({
      siteName: 'Demo shop',
      writeKeyDigests: [digestWriteKey('wk_0123456789abcdef')],
      reconciliationKeys: ['user_id', 'basket_id'],
      webDataTtlSeconds: 86_400,
      matchWindowMs: 2000,
      ipAnonymization: 'truncate',
      version: 1,
    });
    expect(JSON.stringify(container)).not.toContain('wk_0123456789abcdef');
    const [meta] = await repository.listDestinations('meta');
    expect(meta).toMatchObject({
      destinationId: 'meta-main',
      enabled: true,
      consentCategory: 'marketing',
      filter: null,
    });
  });

  it('replaces what a site lists on re-import and bumps versions', async () => {
    await importYaml(SHOP);
    const lines = await importYaml(SHOP.replace(/ {10}- destinationId: hook[\s\S]*$/, ''));

    expect(lines[0]).toMatch(/removed 0 containers, 1 destinations/);
    expect(await repository.listDestinations('webhook')).toEqual([]);
    expect((await repository.findContainer('shop', 'web'))?.version).toBeGreaterThanOrEqual(2);
  });

  it('rejects an invalid file with every problem and its path, writing nothing', async () => {
    const bad = SHOP.replace('shop\n', 'other shop\n')
      .replace('wk_0123456789abcdef', 'short')
      .replace('partner: meta', 'partner: myspace')
      .replace(
        'consentCategory: marketing',
        'consentCategory: marketing\n            mapping: { user_data.em: email }',
      );

    await expect(importYaml(bad)).rejects.toThrow(
      /sites\.0\.siteId: letters[\s\S]*sites\.0\.containers\.0\.writeKeys\.0: at least 16 characters[\s\S]*destinations\.0\.partner[\s\S]*destinations\.0\.mapping\.user_data\.em: use "\/" between levels/,
    );
    expect(await repository.findContainer('other shop', 'web')).toBeNull();
  });
});

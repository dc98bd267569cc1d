import { ConfigFile, configFileSchema } from '@tagrelay/contracts';
import { connectMongo, SiteConfigRepository } from '@tagrelay/store';

/** A small but complete configuration for tests; override what matters. */
export function testSite(
  overrides: Partial<ConfigFile['sites'][number]['containers'][number]> = {},
) {
  return {
    siteId: 'shop',
    name: 'Test shop',
    containers: [
      {
        containerId: 'web',
        writeKeys: [TEST_WRITE_KEY],
        allowedOrigins: ['https://shop.example'],
        reconciliationKeys: ['user_id', 'basket_id'],
        cookies: ['_fbp', '_fbc', '_ga'],
        variables: ['page_type'],
        ...overrides,
      },
    ],
  };
}

export const TEST_WRITE_KEY = 'wk_test_0123456789abcdef';

/** Validates (as `config import` does) and stores sites in the test database. */
export async function seedConfig(
  mongo: { uri: string; database: string },
  sites: unknown[],
): Promise<void> {
  const file = configFileSchema.parse({ sites });
  const connection = await connectMongo(mongo);
  try {
    const repository = new SiteConfigRepository(connection);
    await repository.ensureIndexes();
    await repository.importConfig(file);
  } finally {
    await connection.close();
  }
}

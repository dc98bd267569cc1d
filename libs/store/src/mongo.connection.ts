import mongoose, { Connection } from 'mongoose';
import { MongoConfig } from '@tagrelay/config';

/**
 * One connection per process. `autoIndex` is off: indexes are created
 * explicitly at start-up (`ensureIndexes`, `ensureTtlIndex`) so a failure is
 * seen and handled instead of being swallowed in the background.
 */
export async function connectMongo(
  config: Pick<MongoConfig, 'uri' | 'database'>,
): Promise<Connection> {
  const connection = mongoose.createConnection(config.uri, {
    dbName: config.database,
    autoIndex: false,
    autoCreate: false,
    serverSelectionTimeoutMS: 5000,
    maxPoolSize: 20,
  });
  await connection.asPromise();
  return connection;
}

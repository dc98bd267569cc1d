export * from './app-config';
export { ConfigError, loadConfig, loadConfigFromProcess } from './config.loader';
export type { EnvSource } from './config.loader';
export { APP_CONFIG, ConfigModule } from './config.module';

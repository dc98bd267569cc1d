import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { configFileSchema, ValidationError } from '@tagrelay/contracts';
import { connectMongo, SiteConfigRepository } from '@tagrelay/store';
import { CliCommand } from '@tagrelay/runtime';

/**
 * `config import <file.yaml>`: validates the whole file first (every problem
 * reported with its path, nothing written), then makes the store hold what it
 * says for each site it names. Services see the change within
 * CONFIG_REFRESH_MS.
 */
export const configImportCommand: CliCommand = {
  name: 'config import',
  summary: 'load sites, containers and destinations from a YAML file',
  async run({ config, out }, args) {
    const [path] = args;
    if (!path) throw new ValidationError('file', 'usage: config import <file.yaml>');
    const parsed = configFileSchema.safeParse(parse(await readFile(path, 'utf8')));
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `  ${issue.path.join('.') || '(file)'}: ${describe(issue)}`,
      );
      throw new ValidationError(path, `invalid configuration:\n${problems.join('\n')}`);
    }
    const connection = await connectMongo(config.mongo);
    try {
      const repository = new SiteConfigRepository(connection);
      await repository.ensureIndexes();
      const summary = await repository.importConfig(parsed.data);
      out(
        `imported ${summary.sites} sites, ${summary.containers} containers, ${summary.destinations} destinations` +
          ` (removed ${summary.removedContainers} containers, ${summary.removedDestinations} destinations)`,
      );
    } finally {
      await connection.close();
    }
  },
};

/** A bad record key reports "Invalid key in record"; its own rule says why. */
function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key' && issue.issues.length > 0) return issue.issues[0].message;
  return issue.message;
}

// `abusedesk import`: local files through the same ingest path as IMAP, in batches.
import type { Config } from '../config/schema.js';
import { readLocalMail, type SourceProblem } from '../mail/local-sources.js';
import type { Store } from '../store/db.js';
import { addIngestResults, emptyIngestResult, ingestBatch, ingestContext, type IncomingMail, type IngestResult } from './ingest.js';

export interface ImportResult extends IngestResult {
  problems: SourceProblem[];
}

export async function importPaths(
  store: Store,
  config: Config,
  paths: readonly string[],
  options: { stdin?: NodeJS.ReadableStream; batchSize?: number; onProgress?: (r: IngestResult) => void } = {},
): Promise<ImportResult> {
  const ctx = ingestContext(config);
  const batchSize = options.batchSize ?? 500;
  const problems: SourceProblem[] = [];
  const total = emptyIngestResult();
  let batch: IncomingMail[] = [];
  const flush = () => {
    if (!batch.length) return;
    addIngestResults(total, ingestBatch(store, ctx, batch));
    batch = [];
    options.onProgress?.(total);
  };
  for await (const mail of readLocalMail(paths, { stdin: options.stdin, onProblem: (p) => problems.push(p) })) {
    batch.push(mail);
    if (batch.length >= batchSize) flush();
  }
  flush();
  return { ...total, problems };
}

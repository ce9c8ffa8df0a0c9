// Preloaded into a benchmarked process: writes its peak resident memory (KB) on exit.
import fs from 'node:fs';
process.on('exit', () => {
  if (process.env.ABUSEDESK_BENCH_RSS_FILE) {
    fs.writeFileSync(process.env.ABUSEDESK_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
  }
});

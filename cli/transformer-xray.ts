#!/usr/bin/env node
// The `transformer-xray` command. `download` puts a GPT-2 checkpoint from the Hugging Face Hub in a
// folder, so that a page loads it from its own server instead of the Hub.
import { parseArgs } from 'node:util';
import { errorText } from '../src/errors.js';
import { downloadModel } from './download.js';
import { DEFAULT_HOST } from './hub.js';
import { folderPath, publicUrlPath } from './model-path.js';
import { progressReporter } from './progress.js';

const USAGE = `Usage: transformer-xray download <repo-id> <folder> [--host URL] [--revision REV]

Downloads a GPT-2 model from the Hugging Face Hub into <folder>: config.json, tokenizer.json,
tokenizer_config.json and model.safetensors. Run it again after a cut to resume where it stopped.

Options:
  --host URL      the Hub or a mirror (default: $HF_ENDPOINT, else ${DEFAULT_HOST})
  --revision REV  branch, tag or commit (default: main)
  -h, --help      show this help

Example:
  npx transformer-xray download openai-community/gpt2 public/models/gpt2`;

/** Exit codes: 0 done, 1 the download or its check failed, 2 the command line is wrong. */
async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { host: { type: 'string' }, revision: { type: 'string', default: 'main' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return usageError(errorText(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, id, folder, ...extra] = positionals;
  if (command !== 'download') return usageError(command ? `Unknown command "${command}".` : 'No command given.');
  if (!id || !folder || extra.length > 0) return usageError('download takes a repo id and a folder.');

  const host = values.host || process.env.HF_ENDPOINT || DEFAULT_HOST;
  try {
    const config = await downloadModel({ id, folder, host, revision: values.revision, reporter: progressReporter(process.stdout) });
    const served = publicUrlPath(folder);
    console.log(`\n${id} is in ${folder} (GPT-2, n_layer ${config.nLayer}, n_head ${config.nHead}, n_embd ${config.dModel}).`);
    console.log(served ? 'Use it in a page as' : 'Use it in a page as (the URL where your server serves that folder)');
    console.log(`  <xray-model model="${served ?? folderPath(folder)}">`);
    return 0;
  } catch (error) {
    console.error(`transformer-xray: ${errorText(error)}`);
    return 1;
  }
}

function usageError(message: string): number {
  console.error(`transformer-xray: ${message}\n\n${USAGE}`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));

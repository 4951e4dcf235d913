// Verifies a record's receipt offline, without a database or a server:
//   npm run receipt:verify -- FILE [--trusted-keys KEYS.json] [--json]
// Exit 0: every check passed (the output says what was verified, and whether the
// inclusion proof is still pending); 1: a check failed (each failed check is named);
// 2: bad usage or a file that is not a receipt or keys file.
import fs from "node:fs";
import { AppError } from "../lib/errors";
import { formatReceiptVerification, parseKeysFile, parseReceipt, verifyReceipt } from "../lib/ledger/receipt";

const usage = "usage: npm run receipt:verify -- FILE [--trusted-keys KEYS.json] [--json]";

/** Reads and parses one input file; any problem names the file. */
async function fromFile<T>(options: { file: string; what: string; parse: (text: string) => T | Promise<T> }): Promise<T> {
  let text: string;
  try {
    text = fs.readFileSync(options.file, "utf8");
  } catch (error) {
    throw new AppError({ code: "bad_request", message: `cannot read the ${options.what} ${options.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
  }
  try {
    return await options.parse(text);
  } catch (error) {
    throw error instanceof AppError ? new AppError({ code: "bad_request", message: `${options.file}: ${error.message}` }) : error;
  }
}

async function main(argv: string[]): Promise<number> {
  const files: string[] = [];
  let trustedKeysFile: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--trusted-keys") {
      trustedKeysFile = argv[++i];
      if (!trustedKeysFile || trustedKeysFile.startsWith("--")) throw new AppError({ code: "bad_request", message: `--trusted-keys needs a file; ${usage}` });
    } else if (arg === "--json") json = true;
    else if (arg.startsWith("--")) throw new AppError({ code: "bad_request", message: `unknown option ${arg}; ${usage}` });
    else files.push(arg);
  }
  if (files.length !== 1) throw new AppError({ code: "bad_request", message: usage });
  const receipt = await fromFile({ file: files[0] as string, what: "receipt", parse: (text) => parseReceipt({ text }) });
  const trustedKeys = trustedKeysFile ? await fromFile({ file: trustedKeysFile, what: "keys file", parse: (text) => parseKeysFile({ text }) }) : undefined;
  const result = await verifyReceipt({ receipt, trustedKeys, trustedKeysName: trustedKeysFile });
  console.log(json ? JSON.stringify(result, null, 2) : formatReceiptVerification({ receipt, result }));
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`receipt:verify: ${error instanceof AppError ? error.message : (error as Error).stack}`);
    process.exit(2);
  },
);

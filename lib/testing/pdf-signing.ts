// Tools for the PDF signing tests: certificates and PKCS#12 files made by openssl, a real
// RFC 3161 time-stamp authority on 127.0.0.1 (node:http in front of `openssl ts -reply`),
// and poppler's pdfsig, whose output must be read (it exits 0 on a digest mismatch too).
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PDFDocument, StandardFonts } from "pdf-lib";

const run = promisify(execFile);

function available(command: string): boolean {
  try {
    execFileSync(command, ["-v"], { stdio: "ignore" });
    return true;
  } catch (error) {
    // pdfsig -v exits non-zero on some versions but exists; only a missing binary is ENOENT.
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  }
}

export const hasPdfsig = available("pdfsig");
export const hasOpenssl = available("openssl");

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `conduit-${prefix}-`));
}

export function openssl(options: { args: string[]; cwd: string }): string {
  return execFileSync("openssl", options.args, { cwd: options.cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** An unencrypted key (EC P-256 or RSA 2048) and a self-signed certificate for it, as PEM files. */
export function keyAndCertificate(options: { dir: string; name: string; cn: string; type?: "ec" | "rsa"; extensions?: string }): { keyFile: string; certFile: string } {
  const keyFile = path.join(options.dir, `${options.name}.key`);
  const certFile = path.join(options.dir, `${options.name}.crt`);
  const keyArgs = options.type === "rsa" ? ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"] : ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"];
  openssl({ args: ["genpkey", ...keyArgs, "-out", keyFile], cwd: options.dir });
  const config = path.join(options.dir, `${options.name}.cnf`);
  fs.writeFileSync(
    config,
    `[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = ${options.cn}\n[ext]\nbasicConstraints = critical, CA:false\n${options.extensions ?? "keyUsage = critical, digitalSignature, nonRepudiation"}\n`,
  );
  openssl({ args: ["req", "-x509", "-new", "-key", keyFile, "-out", certFile, "-days", "30", "-config", config, "-extensions", "ext"], cwd: options.dir });
  return { keyFile, certFile };
}

/** A PKCS#12 file (openssl's defaults: AES-256, PBKDF2, SHA-256 MAC) holding a new EC key and its certificate. */
export function pkcs12File(options: { dir: string; passphrase: string }): string {
  const { keyFile, certFile } = keyAndCertificate({ dir: options.dir, name: "p12-signer", cn: "Configured PKCS12 signer" });
  const file = path.join(options.dir, "signer.p12");
  openssl({ args: ["pkcs12", "-export", "-inkey", keyFile, "-in", certFile, "-passout", `pass:${options.passphrase}`, "-out", file], cwd: options.dir });
  return file;
}

export type TsaBehaviour = "stamp" | "garbage" | "silent" | "stamp-other";

/**
 * A time-stamp authority on 127.0.0.1: "stamp" answers with `openssl ts -reply` for the
 * query; "garbage" with bytes that are no reply; "silent" never answers; "stamp-other"
 * answers with a valid time stamp of something else.
 */
export async function startTimestampAuthority(options: { dir: string; behaviour: TsaBehaviour }): Promise<{ url: string; certFile: string; requests: () => number; close: () => Promise<void> }> {
  const dir = options.dir;
  const { keyFile, certFile } = keyAndCertificate({ dir, name: "tsa", cn: "Test Time-Stamp Authority", extensions: "keyUsage = critical, digitalSignature\nextendedKeyUsage = critical, timeStamping" });
  const config = path.join(dir, "ts.cnf");
  fs.writeFileSync(path.join(dir, "tsaserial"), "01\n");
  fs.writeFileSync(
    config,
    [
      "[tsa]",
      "default_tsa = tsa_config",
      "[tsa_config]",
      `serial = ${path.join(dir, "tsaserial")}`,
      "crypto_device = builtin",
      `signer_cert = ${certFile}`,
      `signer_key = ${keyFile}`,
      "signer_digest = sha256",
      "default_policy = 1.2.3.4.1",
      "digests = sha256, sha384, sha512",
      "accuracy = secs:1",
      "ordering = yes",
      "tsa_name = no",
      "ess_cert_id_chain = no",
      "ess_cert_id_alg = sha256",
      "",
    ].join("\n"),
  );
  let count = 0;
  const reply = async (query: Buffer): Promise<Buffer> => {
    const n = ++count;
    const queryFile = path.join(dir, `query-${n}.tsq`);
    const replyFile = path.join(dir, `reply-${n}.tsr`);
    if (options.behaviour === "stamp-other") {
      fs.writeFileSync(path.join(dir, "other.txt"), "something else entirely\n");
      await run("openssl", ["ts", "-query", "-data", path.join(dir, "other.txt"), "-sha256", "-cert", "-out", queryFile]);
    } else {
      fs.writeFileSync(queryFile, query);
    }
    await run("openssl", ["ts", "-reply", "-config", config, "-queryfile", queryFile, "-out", replyFile]);
    return fs.readFileSync(replyFile);
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      if (options.behaviour === "silent") return;
      if (options.behaviour === "garbage") {
        response.writeHead(200, { "content-type": "application/timestamp-reply" }).end("this is not a time-stamp reply");
        return;
      }
      reply(Buffer.concat(chunks)).then(
        (body) => response.writeHead(200, { "content-type": "application/timestamp-reply" }).end(body),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsr`,
    certFile,
    requests: () => count,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL on 127.0.0.1 where nothing listens: a port that was free a moment ago. */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/tsr`;
}

/** pdfsig's report on the file's signatures (it exits 0 on a mismatch too, so read it). */
export function pdfsig(options: { pdf: Uint8Array; dir: string }): string {
  const file = path.join(options.dir, `signed-${Date.now()}-${Math.random().toString(36).slice(2)}.pdf`);
  fs.writeFileSync(file, options.pdf);
  try {
    return execFileSync("pdfsig", [file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    // Some poppler versions exit non-zero when a certificate is not trusted; the report is still on stdout.
    const { stdout } = error as { stdout?: string };
    if (stdout) return stdout;
    throw error;
  }
}

/** A small PDF drawn with pdf-lib, as the app draws its documents. */
export async function samplePdf(options: { title?: string } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(options.title ?? "Quarterly evidence");
  const page = doc.addPage([595.28, 841.89]);
  page.drawText("Conduit Ledger evidence", { x: 56, y: 780, size: 18, font: await doc.embedFont(StandardFonts.Helvetica) });
  // Without object streams the page dictionary is plain text a tamper test can change.
  return doc.save({ useObjectStreams: false });
}

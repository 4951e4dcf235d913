import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adapterFor } from "@/proxy/providers";
import { ProviderRequestError } from "@/proxy/providers/errors";
import { forwardRecorded, jsonOf, meterInChunks, parseRecorded, pixelPng, placesHolding } from "@/proxy/testing/provider-fixtures";
import { answeredModel, responseIds, startTestUpstream, type TestUpstream } from "@/proxy/testing/upstream";

const generic = adapterFor("GENERIC_INFERENCE");
const deviceToken = "dev-tok-camera-c7";
// A JPEG frame from camera station C-7: the signature, then sensor bytes.
const frame = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 4093 }, (_, i) => (i * 37) % 256)]);

let upstream: TestUpstream;
beforeAll(async () => {
  upstream = await startTestUpstream();
});
afterAll(() => upstream.close());

const lastRequest = () => upstream.requests.at(-1)!;

function post(options: { path: string; contentType?: string; body: BodyInit }) {
  return fetch(`${upstream.url}${options.path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${deviceToken}`, ...(options.contentType ? { "content-type": options.contentType } : {}) },
    body: options.body,
  });
}

describe("generic inference", () => {
  it("takes a camera frame as one image part and meters the verdict", async () => {
    const response = await post({ path: "/v2/models/defects/infer", contentType: "image/jpeg", body: frame });
    expect(await response.json()).toMatchObject({ verdict: "pass", received: { contentType: "image/jpeg", bytes: frame.byteLength } });

    const request = lastRequest();
    expect(request.body).toEqual(frame);
    const parsed = parseRecorded({ adapter: generic, request });
    expect(parsed).toMatchObject({ endpoint: "inference", model: null, stream: false });
    expect(parsed.parts).toEqual([{ kind: "image", mediaType: "image/jpeg", bytes: frame.byteLength }]);
    expect(generic.rewriteBody({ request: parsed, replacements: new Map() })).toBe(request.body);
    expect(() => generic.rewriteBody({ request: parsed, replacements: new Map([[0, "x"]]) })).toThrow(TypeError);

    expect(meterInChunks({ adapter: generic, endpoint: "inference", outcome: await request.outcome })).toEqual(
      Array(5).fill({ model: answeredModel("optiscan-defect"), inputTokens: null, outputTokens: null, finishReason: null, responseId: responseIds.inference(request.index), error: null }),
    );
  });

  it("recognises an unlabelled frame by its signature, and other bytes as binary", async () => {
    await post({ path: "/infer", contentType: "application/octet-stream", body: frame });
    expect(parseRecorded({ adapter: generic, request: lastRequest() }).parts).toEqual([{ kind: "image", mediaType: "image/jpeg", bytes: frame.byteLength }]);
    const parse = (contentType: string | null, body: Uint8Array) =>
      generic.parseRequest({ method: "POST", path: "/infer", search: new URLSearchParams(), contentType, body }).parts;
    expect(parse(null, Uint8Array.of(1, 2, 3))).toEqual([{ kind: "binary", bytes: 3 }]);
    expect(parse("application/x-protobuf", Uint8Array.of(1, 2, 3))).toEqual([{ kind: "binary", mediaType: "application/x-protobuf", bytes: 3 }]);
    // Text that is not UTF-8 is classified as the bytes it is; text labelled as an image as the text it is.
    expect(parse("text/plain", Uint8Array.of(0xc3, 0x28))).toEqual([{ kind: "binary", mediaType: "text/plain", bytes: 2 }]);
    expect(parse("image/jpeg", new TextEncoder().encode("furnace 2 recipe R-88"))).toEqual([{ kind: "text", text: "furnace 2 recipe R-88", mediaType: "image/jpeg" }]);
    expect(parse("image/heic", Uint8Array.of(0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70))).toEqual([{ kind: "image", mediaType: "image/heic", bytes: 8 }]);
    expect(parse(null, new Uint8Array())).toEqual([]);
  });

  it("takes JSON with every string as content, including a bare base64 image, and rewrites it", async () => {
    const body = { model: "forecast-v2", inputs: [{ name: "line", data: ["L3 night shift"] }], image: pixelPng, parameters: { threshold: 0.8, id: "run-17" } };
    await post({ path: "/v2/models/forecast/infer", contentType: "application/json", body: JSON.stringify(body) });
    const request = lastRequest();
    const parsed = parseRecorded({ adapter: generic, request });
    expect(parsed).toMatchObject({ endpoint: "inference", model: "forecast-v2" });
    // Nothing is known about this schema, so even `model` and `id` are content.
    expect(parsed.parts).toEqual([
      { kind: "text", text: "forecast-v2" },
      { kind: "text", text: "line" },
      { kind: "text", text: "L3 night shift" },
      { kind: "image", mediaType: "image/png", bytes: Buffer.from(pixelPng, "base64").byteLength },
      { kind: "text", text: "run-17" },
    ]);
    const rewritten = generic.rewriteBody({ request: parsed, replacements: new Map([[2, "[SHIFT]"]]) });
    expect(jsonOf(rewritten)).toEqual({ ...body, inputs: [{ name: "line", data: ["[SHIFT]"] }] });
    expect(await request.outcome).toMatchObject({ status: 200 });
  });

  it("takes a text body as one part and rewrites it whole", () => {
    const parsed = generic.parseRequest({ method: "POST", path: "/summarise", search: new URLSearchParams(), contentType: "text/plain; charset=utf-8", body: new TextEncoder().encode("Alarm 17 on Ofen 2") });
    expect(parsed.parts).toEqual([{ kind: "text", text: "Alarm 17 on Ofen 2", mediaType: "text/plain" }]);
    expect(new TextDecoder().decode(generic.rewriteBody({ request: parsed, replacements: new Map([[0, "Alarm 17 on [ASSET]"]]) }))).toBe("Alarm 17 on [ASSET]");
  });

  it("refuses malformed JSON but takes any path and method", () => {
    const parse = (method: string, path: string, body: string) => generic.parseRequest({ method, path, search: new URLSearchParams(), contentType: "application/json", body: new TextEncoder().encode(body) });
    expect(() => parse("POST", "/infer", "{bad")).toThrow(ProviderRequestError);
    expect(parse("PUT", "/any/where/at/all", "[1,2]").parts).toEqual([]);
  });

  it("forwards with the provider key as a bearer token, or without any credential when there is none", async () => {
    await post({ path: "/infer", contentType: "image/jpeg", body: frame });
    const request = lastRequest();
    expect(generic.deviceToken({ headers: request.headers, search: request.search })).toBe(deviceToken);
    const withKey = forwardRecorded({ adapter: generic, request, apiKey: "onprem-key", baseUrl: "http://optiscan-infer.aug.nordwerk.internal:8080" });
    expect(withKey.url).toBe("http://optiscan-infer.aug.nordwerk.internal:8080/infer");
    expect(withKey.headers.get("authorization")).toBe("Bearer onprem-key");
    expect(withKey.headers.get("content-type")).toBe("image/jpeg");
    const withoutKey = forwardRecorded({ adapter: generic, request, apiKey: null });
    expect(withoutKey.headers.has("authorization")).toBe(false);
    expect(placesHolding({ upstream: withoutKey, secret: deviceToken })).toEqual([]);
  });
});

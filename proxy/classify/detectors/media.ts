// Labels that follow from what a part is rather than what it says: an image or a
// camera frame is product imagery, a CAD file is a drawing. The generic binary
// inference API carries camera frames, so bytes of unknown type count as a frame rather
// than passing as PUBLIC.
import type { BuiltInLabel } from "@/proxy/classify/labels";
import type { ContentPart } from "@/proxy/classify/types";

const cadMediaType = /^(?:model\/|image\/vnd\.(?:dwg|dxf)|application\/(?:acad|dxf|x-dwg|x-dxf|step|iges|sla|vnd\.ms-pki\.stl)$)/;

export function labelForMedia(options: { part: ContentPart }): BuiltInLabel | undefined {
  const { part } = options;
  const mediaType = (part.mediaType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (cadMediaType.test(mediaType)) return "part_number_drawing";
  if (part.kind === "image" || mediaType.startsWith("image/") || mediaType.startsWith("video/")) return "product_imagery";
  if (part.kind === "binary" && (mediaType === "" || mediaType === "application/octet-stream")) return "product_imagery";
  return undefined;
}

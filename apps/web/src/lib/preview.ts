// What the console's client needs of the services' preview rules: pure, dependency-free functions
// from their own entry point, so the client bundle does not pull in the services' server code.
export { formatBytes, PREVIEW_MAX_BYTES, previewTypeOf, type PreviewSubject, type PreviewType } from "@holdfast/services/preview-type";

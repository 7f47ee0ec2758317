import QRCode from 'qrcode';

/** Error correction M: survives a scuffed or partly covered poster, and keeps the code small. */
const OPTIONS = { errorCorrectionLevel: 'M' as const, margin: 4 };

export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { ...OPTIONS, type: 'svg' });
}

export function qrPng(url: string, size = 512): Promise<Buffer> {
  return QRCode.toBuffer(url, { ...OPTIONS, type: 'png', width: size });
}

/** The QR version (1–40) a URL needs at level M: the smaller, the farther it scans from. */
export function qrVersion(url: string): number {
  return QRCode.create(url, { errorCorrectionLevel: 'M' }).version;
}

export function surveyUrl(baseUrl: string, code: string): string {
  return `${baseUrl.replace(/\/$/, '')}/s/${code}`;
}

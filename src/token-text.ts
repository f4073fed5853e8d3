// Display text of GPT-2's byte-level tokens: `Ġ` becomes a space, and a character whose UTF-8
// bytes are split over several tokens is shown as the bytes each token really holds.

/** GPT-2's bytes_to_unicode table inverted: the printable character standing for each byte. */
function byteDecoder(): Map<string, number> {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const map = new Map<string, number>();
  let next = 256;
  for (let b = 0; b < 256; b++) map.set(String.fromCodePoint(printable(b) ? b : next++), b);
  return map;
}

const BYTE_OF = byteDecoder();

/** The raw bytes a byte-level BPE token stands for. */
export function tokenBytes(token: string): Uint8Array {
  return Uint8Array.from([...token], (ch) => {
    const byte = BYTE_OF.get(ch);
    if (byte === undefined) throw new Error(`"${token}" is not a byte-level BPE token`);
    return byte;
  });
}

/** Length of the UTF-8 sequence a lead byte starts, or 0 for a byte that cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes bytes as UTF-8 where a whole character is present and writes `\xHH` for each byte of a
 * character that this token holds only part of.
 * @example displayText(tokenBytes('Ġcat')) // ' cat'
 */
export function displayText(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const length = sequenceLength(bytes[i]);
    const slice = length && i + length <= bytes.length ? bytes.subarray(i, i + length) : undefined;
    const text = slice && tryDecode(slice);
    if (text !== undefined) {
      out += text;
      i += length;
    } else {
      out += `\\x${bytes[i].toString(16).toUpperCase().padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}

function tryDecode(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

// A safetensors file held as one buffer per tensor (and one for the header), filled as it downloads,
// so that each tensor's memory can be given back on its own once a session has copied it.
import { XrayError } from './errors.js';
import type { ByteSink } from './model-files.js';
import { readSafetensorsHeader, safetensorsHeaderLength, type ByteSource } from './safetensors.js';

interface Part {
  begin: number;
  end: number;
  bytes: Uint8Array | undefined; // undefined once freed
}

export class SplitFile implements ByteSource {
  /** Sorted by `begin`, not overlapping; bytes between parts were dropped. */
  private readonly parts: Part[];

  /** `owned`: the parts' buffers are this file's alone, so freeing one returns its memory at once. */
  constructor(
    readonly length: number,
    parts: { begin: number; bytes: Uint8Array }[],
    private readonly owned: boolean,
  ) {
    // Empty tensors need no part, and a part for one would share its offset with the next tensor's.
    this.parts = parts
      .filter(({ bytes }) => bytes.length > 0)
      .map(({ begin, bytes }) => ({ begin, end: begin + bytes.length, bytes }))
      .sort((a, b) => a.begin - b.begin);
  }

  /** A view of `[begin, end)`; a range over several parts is copied. Throws if it was freed. */
  subarray(begin: number, end: number): Uint8Array {
    const part = this.partAt(begin);
    if (part && end <= part.end) return this.bytesOf(part).subarray(begin - part.begin, end - part.begin);
    const out = new Uint8Array(end - begin);
    for (let at = begin; at < end;) {
      const piece = this.partAt(at);
      if (!piece) throw new RangeError(`Bytes ${at}.. of the file were not kept.`);
      const stop = Math.min(end, piece.end);
      out.set(this.bytesOf(piece).subarray(at - piece.begin, stop - piece.begin), at - begin);
      at = stop;
    }
    return out;
  }

  /** Frees the part that holds byte `at`: its memory comes back now when owned, else at the next GC. */
  free(at: number): void {
    const part = this.partAt(at);
    if (!part?.bytes) return;
    // ES2024's transfer detaches the buffer; not yet in our TS lib, and missing in Node 20.
    if (this.owned) (part.bytes.buffer as ArrayBuffer & { transfer?(length: number): ArrayBuffer }).transfer?.(0);
    part.bytes = undefined;
  }

  freeAll(): void {
    for (const part of this.parts) this.free(part.begin);
  }

  /** The part holding byte `at`: the last to begin at or before it, if it reaches that far. */
  private partAt(at: number): Part | undefined {
    let low = 0;
    let high = this.parts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.parts[mid].begin <= at) low = mid + 1;
      else high = mid;
    }
    const part = this.parts[low - 1];
    return part && at < part.end ? part : undefined;
  }

  private bytesOf(part: Part): Uint8Array {
    if (!part.bytes) throw new RangeError(`Bytes ${part.begin}..${part.end} of the file were already freed.`);
    return part.bytes;
  }
}

/** Receives a safetensors download in order and lays it out as a SplitFile. */
export class SafetensorsSink implements ByteSink<SplitFile> {
  /** The header while it arrives. */
  private head = new Uint8Array(0);
  /** Once the header is whole: a part per tensor, in file order, and the one being filled. */
  private parts: { begin: number; bytes: Uint8Array }[] | undefined;
  private filling = 0;
  private received = 0;

  write(chunk: Uint8Array): void {
    const rest = this.parts ? chunk : this.takeHeader(chunk);
    if (this.parts && rest.length > 0) this.place(rest);
  }

  finish(): SplitFile {
    if (!this.parts) {
      readSafetensorsHeader(this.head); // the file ended inside its header: this says where
      throw new XrayError('truncated-file', 'The safetensors file is truncated inside its header.');
    }
    const dataEnd = this.parts.reduce((end, part) => Math.max(end, part.begin + part.bytes.length), 0);
    if (this.received < dataEnd) {
      throw new XrayError('truncated-file', `The safetensors file is truncated: its tensors need ${dataEnd} bytes, found ${this.received}.`);
    }
    return new SplitFile(this.received, this.parts, true);
  }

  /** Collects the header and lays out the parts once it is whole; returns the part of `chunk` past it. */
  private takeHeader(chunk: Uint8Array): Uint8Array {
    while (!this.parts) {
      const needed = this.head.length < 8 ? 8 : 8 + safetensorsHeaderLength(this.head);
      if (this.head.length >= 8 && this.head.length === needed) this.parts = this.layOut();
      else if (chunk.length === 0) break;
      else {
        const taken = chunk.subarray(0, needed - this.head.length);
        const head = new Uint8Array(this.head.length + taken.length);
        head.set(this.head);
        head.set(taken, this.head.length);
        this.head = head;
        this.received += taken.length;
        chunk = chunk.subarray(taken.length);
      }
    }
    return chunk;
  }

  private layOut(): { begin: number; bytes: Uint8Array }[] {
    // The file's length is checked in finish(), once it has all arrived.
    const table = readSafetensorsHeader(this.head, Number.POSITIVE_INFINITY);
    const tensors = [...table.tensors.values()].sort((a, b) => a.begin - b.begin);
    return [{ begin: 0, bytes: this.head }, ...tensors.map((t) => ({ begin: t.begin, bytes: new Uint8Array(t.end - t.begin) }))];
  }

  /** Copies a chunk of tensor data into the parts it covers; bytes outside every tensor are dropped. */
  private place(chunk: Uint8Array): void {
    const parts = this.parts!;
    let at = this.received;
    const end = at + chunk.length;
    while (at < end && this.filling < parts.length) {
      const part = parts[this.filling];
      const partEnd = part.begin + part.bytes.length;
      if (partEnd <= at) {
        this.filling++;
        continue;
      }
      const from = Math.max(at, part.begin);
      const to = Math.min(end, partEnd);
      if (to <= from) break; // the chunk ends before this part begins
      part.bytes.set(chunk.subarray(from - this.received, to - this.received), from - part.begin);
      at = to;
      if (to === partEnd) this.filling++;
    }
    this.received = end;
  }
}

"""MS-OVBA 2.4.1 compression: the CompressedContainer every VBA module stream and the ``dir``
stream are stored in. Pure: bytes in, bytes out.

A container is the signature byte 0x01 and one CompressedChunk per 4096 bytes of input.
A chunk is a 2-byte header (12-bit size - 3, signature 0b011, flag) and token sequences: a
flag byte, then eight tokens, each a literal byte or a 2-byte CopyToken (offset, length)
whose bit split depends on how far into the chunk it stands (2.4.1.3.19.1 CopyToken Help).
Copy tokens never reach into an earlier chunk.
"""
from __future__ import annotations

import struct

CHUNK = 4096          # decompressed bytes per chunk
MAX_CHUNK_BYTES = 4098  # a chunk with its header, at most
MIN_MATCH = 3
CANDIDATES = 64       # match candidates tried per position: enough for source text, and fast


def copy_token_split(difference: int) -> tuple[int, int]:
    """(bit count of the offset, maximum length) for a token ``difference`` bytes into its
    chunk: the offset gets the fewest bits that reach back to the chunk start, at least 4."""
    bits = max((difference - 1).bit_length(), 4)
    return bits, (0xFFFF >> bits) + MIN_MATCH


def pack_copy_token(offset: int, length: int, difference: int) -> int:
    bits, max_length = copy_token_split(difference)
    if not (1 <= offset <= (1 << bits) and MIN_MATCH <= length <= max_length):
        raise ValueError(f"copy token out of range: offset {offset}, length {length} at {difference}")
    return ((offset - 1) << (16 - bits)) | (length - MIN_MATCH)


def _longest_match(chunk: bytes, pos: int, heads: dict[bytes, list[int]]) -> tuple[int, int]:
    """The longest earlier occurrence of what starts at ``pos`` (offset, length), or (0, 0)."""
    end = len(chunk)
    if end - pos < MIN_MATCH:
        return 0, 0
    _, max_length = copy_token_split(pos)
    limit = min(max_length, end - pos)
    best_len, best_off = 0, 0
    for cand in reversed(heads.get(chunk[pos:pos + MIN_MATCH], [])[-CANDIDATES:]):
        n = MIN_MATCH
        # overlapping copies are allowed: the decompressor copies byte by byte
        while n < limit and chunk[cand + n] == chunk[pos + n]:
            n += 1
        if n > best_len:
            best_len, best_off = n, pos - cand
            if n == limit:
                break
    return best_off, best_len


def _compress_chunk(chunk: bytes) -> bytes:
    """The chunk's header and data: token sequences, or the raw 4096 bytes when tokens would
    not fit (MS-OVBA 2.4.1.3.7; a raw chunk is padded with zeros to 4096, as the spec does)."""
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos = 0

    def remember(start: int, stop: int) -> None:
        for i in range(start, min(stop, len(chunk) - MIN_MATCH + 1)):
            heads.setdefault(chunk[i:i + MIN_MATCH], []).append(i)

    while pos < len(chunk):
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= len(chunk):
                break
            offset, length = _longest_match(chunk, pos, heads) if pos else (0, 0)
            if length >= MIN_MATCH:
                out += struct.pack("<H", pack_copy_token(offset, length, pos))
                flags |= 1 << bit
            else:
                length = 1
                out.append(chunk[pos])
            remember(pos, pos + length)
            pos += length
        out[flag_at] = flags
    if len(out) + 2 <= MAX_CHUNK_BYTES:
        return struct.pack("<H", 0xB000 | (len(out) + 2 - 3)) + bytes(out)
    return struct.pack("<H", 0x3000 | (MAX_CHUNK_BYTES - 3)) + chunk.ljust(CHUNK, b"\x00")


def compress(data: bytes) -> bytes:
    """``data`` as an MS-OVBA CompressedContainer."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(bytes(data[start:start + CHUNK]))
    return bytes(out)

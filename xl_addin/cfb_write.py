"""A minimal Compound File Binary writer (MS-CFB version 3): what ``vbaProject.bin`` is.
Pure: a mapping of stream paths to bytes in, the file's bytes out.

Layout written: header (512 bytes), then the regular streams' sectors, the mini stream,
the mini FAT, the directory and the FAT. Streams under 4096 bytes live in the mini stream
(64-byte mini sectors) held by the root entry. Each storage's children form a binary search
tree by (name length, upper-case name), every node black, which MS-CFB 2.6.4 permits.
No DIFAT sectors: 109 FAT sectors (about 7 MB) are far more than a VBA project needs.
"""
from __future__ import annotations

import struct

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
BLACK = 1
HEADER_FAT_SLOTS = 109
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b""):
        if len(name) > 31:
            raise ValueError(f"CFB names are at most 31 characters: {name!r}")
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, _Entry] = {}
        self.left = self.right = self.child = NOSTREAM
        self.start, self.size = ENDOFCHAIN, 0


def _tree(streams: dict[str, bytes]) -> _Entry:
    root = _Entry("Root Entry", ROOT)
    for path, data in streams.items():
        *storages, leaf = path.split("/")
        node = root
        for part in storages:
            node = node.children.setdefault(part.upper(), _Entry(part, STORAGE))
        if leaf.upper() in node.children:
            raise ValueError(f"stream given twice: {path}")
        node.children[leaf.upper()] = _Entry(leaf, STREAM, bytes(data))
    return root


def _order(entry: _Entry) -> tuple[int, str]:
    return len(entry.name), entry.name.upper()  # MS-CFB 2.6.4: shorter names sort first


def _number(root: _Entry) -> list[_Entry]:
    """Every entry in directory order (the root is 0), siblings linked as a balanced tree."""
    entries = [root]

    def link(siblings: list[_Entry]) -> int:
        if not siblings:
            return NOSTREAM
        mid = len(siblings) // 2
        node = siblings[mid]
        node.left, node.right = link(siblings[:mid]), link(siblings[mid + 1:])
        return entries.index(node)

    def visit(entry: _Entry) -> None:
        kids = sorted(entry.children.values(), key=_order)
        entries.extend(kids)
        entry.child = link(kids)
        for kid in kids:
            visit(kid)
    visit(root)
    return entries


def _dir_entry(e: _Entry) -> bytes:
    name = (e.name + "\0").encode("utf-16-le")
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), e.kind, BLACK, e.left, e.right,
                       e.child, b"\0" * 16, 0, 0, 0, e.start, e.size)


def _free_entry() -> bytes:
    return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                       b"\0" * 16, 0, 0, 0, 0, 0)


def _sectors(n_bytes: int, size: int) -> int:
    return -(-n_bytes // size)


def write_cfb(streams: dict[str, bytes]) -> bytes:
    """The compound file holding ``streams`` ({"VBA/dir": b"...", "PROJECT": b"..."})."""
    root = _tree(streams)
    entries = _number(root)
    files = [e for e in entries if e.kind == STREAM]
    small = [e for e in files if len(e.data) < MINI_CUTOFF]
    large = [e for e in files if len(e.data) >= MINI_CUTOFF]

    mini = bytearray()
    minifat: list[int] = []
    for e in small:
        e.size = len(e.data)
        if not e.data:
            continue  # an empty stream has no sectors (start stays ENDOFCHAIN)
        n = _sectors(len(e.data), MINI_SECTOR)
        e.start = len(minifat)
        minifat += [e.start + i + 1 for i in range(n - 1)] + [ENDOFCHAIN]
        mini += e.data.ljust(n * MINI_SECTOR, b"\0")

    body: list[bytes] = []   # regular sectors after the header, in order
    fat: list[int] = []

    def place(data: bytes) -> int:
        n = _sectors(len(data), SECTOR)
        if n == 0:
            return ENDOFCHAIN
        start = len(fat)
        fat.extend([start + i + 1 for i in range(n - 1)] + [ENDOFCHAIN])
        body.append(data.ljust(n * SECTOR, b"\0"))
        return start

    for e in large:
        e.start, e.size = place(e.data), len(e.data)
    root.start, root.size = place(bytes(mini)), len(mini)
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    minifat_start = place(minifat_bytes.ljust(_sectors(len(minifat_bytes), SECTOR) * SECTOR,
                                              b"\xff"))
    n_minifat = _sectors(len(minifat_bytes), SECTOR)

    n_dir = _sectors(len(entries) * 128, SECTOR)
    dir_start = len(fat)  # entries are final once every start sector is known
    fat.extend([dir_start + i + 1 for i in range(n_dir - 1)] + [ENDOFCHAIN])
    directory = b"".join(_dir_entry(e) for e in entries)
    body.append(directory + _free_entry() * (n_dir * SECTOR // 128 - len(entries)))

    # the FAT covers every sector, its own included
    n_fat = 1
    while (len(fat) + n_fat) > n_fat * (SECTOR // 4):
        n_fat += 1
    if n_fat > HEADER_FAT_SLOTS:
        raise ValueError("compound file too large for a header-only DIFAT")
    fat_start = len(fat)
    fat.extend([FATSECT] * n_fat)
    fat.extend([FREESECT] * (n_fat * (SECTOR // 4) - len(fat)))
    body.append(b"".join(struct.pack("<I", v) for v in fat))

    difat = [fat_start + i for i in range(n_fat)] + [FREESECT] * (HEADER_FAT_SLOTS - n_fat)
    header = (SIGNATURE + b"\0" * 16
              + struct.pack("<HHHHH6sIIIIIIIII", 0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
                            0, n_fat, dir_start, 0, MINI_CUTOFF,
                            minifat_start if n_minifat else ENDOFCHAIN, n_minifat,
                            ENDOFCHAIN, 0)
              + b"".join(struct.pack("<I", v) for v in difat))
    assert len(header) == SECTOR
    return header + b"".join(body)

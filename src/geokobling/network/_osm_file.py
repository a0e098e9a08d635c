"""Is an OpenStreetMap extract whole? A check of its structure before its roads are trusted.

GDAL's OSM driver reads a ``.osm.pbf`` that was cut short at a block boundary without a word, and
the network then silently lacks the ways of the missing blocks. An OSM PBF file is a sequence of
blocks (a 4-byte length, a ``BlobHeader``, a ``Blob``); it has no index or footer, so a cut at a
block boundary leaves a file that is valid block by block. Writers fill data blocks to a fixed
number of entities (8 000 for osmium and osmosis) and write the rest, usually fewer, in the last
one; sorted files end with their relations. A file whose last block is as full as the block
before it and holds no relations has very likely lost its end. An ``.osm`` (XML) file must end
with ``</osm>``.

Examples
--------
>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "cut.osm"
>>> _ = path.write_text("<?xml version='1.0'?><osm version='0.6'><node id='1' lat='59.9' lon='10.7'/>")
>>> check_osm_file(path)
Traceback (most recent call last):
...
geokobling.errors.FileReadError: the OpenStreetMap file ... does not end with </osm>: it is cut short. ...
"""

from __future__ import annotations

import lzma
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ..errors import FileReadError

_MAX_HEADER = 64 * 1024  # the PBF format's limits for a BlobHeader and a Blob
_MAX_BLOB = 32 * 1024 * 1024


def check_osm_file(path: Path) -> None:
    """Refuse an OSM extract that is cut short, with a :class:`FileReadError` naming it and where it ends."""
    name = path.name.lower()
    if name.endswith(".pbf"):
        _check_pbf(path)
    elif name.endswith(".osm"):
        _check_xml(path)


def _check_xml(path: Path) -> None:
    with path.open("rb") as file:
        size = file.seek(0, 2)
        file.seek(max(0, size - 4096))
        tail = file.read().rstrip()
    if not tail.endswith(b"</osm>"):
        raise FileReadError(
            f"the OpenStreetMap file {path} does not end with </osm>: it is cut short. Download or export "
            "it again; its roads would be incomplete."
        )


@dataclass(frozen=True)
class _Block:
    kind: str
    offset: int  # of the Blob
    size: int


def _blocks(path: Path) -> list[_Block]:
    """The blocks of a PBF file, from their headers; a header or blob running past the end is an error."""
    blocks: list[_Block] = []
    with path.open("rb") as file:
        size = file.seek(0, 2)
        file.seek(0)
        offset = 0
        while offset < size:
            prefix = file.read(4)
            if len(prefix) < 4:
                raise _cut(path, f"ends at byte {size} inside the length of block {len(blocks) + 1}")
            header_size = struct.unpack(">I", prefix)[0]
            if header_size > _MAX_HEADER:
                raise _corrupt(path, f"block {len(blocks) + 1} at byte {offset} has no valid header")
            header = file.read(header_size)
            if len(header) < header_size:
                raise _cut(path, f"ends at byte {size} inside the header of block {len(blocks) + 1}")
            fields = dict(_fields(header, path))
            kind, blob_size = fields.get(1), fields.get(3)
            if not isinstance(kind, bytes) or not isinstance(blob_size, int) or blob_size > _MAX_BLOB:
                raise _corrupt(path, f"block {len(blocks) + 1} at byte {offset} has no valid header")
            start = offset + 4 + header_size
            if start + blob_size > size:
                raise _cut(
                    path,
                    f"ends at byte {size} inside block {len(blocks) + 1}, which needs "
                    f"{start + blob_size - size} bytes more",
                )
            blocks.append(_Block(kind.decode("ascii", "replace"), start, blob_size))
            offset = file.seek(start + blob_size)
    return blocks


def _check_pbf(path: Path) -> None:
    blocks = _blocks(path)
    if not blocks or blocks[0].kind != "OSMHeader":
        raise _corrupt(path, "it does not start with an OSMHeader block")
    data = [block for block in blocks if block.kind == "OSMData"]
    if not data:
        raise _cut(path, "holds its header but no data blocks")
    if len(data) < 2:
        return
    with path.open("rb") as file:
        last, before = (_entities(file, block, path) for block in (data[-1], data[-2]))
    if last is None or before is None:  # a compression we do not read: the structure must do
        return
    count, relations = last
    if not relations and count == before[0]:
        raise _cut(
            path,
            f"ends with a block as full as the one before it ({count} entities) and holds no relations after "
            "it: a complete extract ends with a part-filled block or with its relations, so the ways of "
            "the lost blocks would be missing from the network",
        )


def _entities(file: BinaryIO, block: _Block, path: Path) -> tuple[int, bool] | None:
    """Number of OSM entities in a data block, and whether it holds relations (None: not decodable)."""
    file.seek(block.offset)
    blob = {
        number: value for number, value in _fields(file.read(block.size), path) if isinstance(value, bytes)
    }
    try:
        if 1 in blob:
            data = blob[1]
        elif 3 in blob:
            data = zlib.decompress(blob[3])
        elif 4 in blob:
            data = lzma.decompress(blob[4])
        else:
            return None
    except (zlib.error, lzma.LZMAError) as error:
        raise _corrupt(path, f"the block at byte {block.offset} cannot be decompressed ({error})") from error
    count, relations = 0, False
    for number, group in _fields(data, path):
        if number != 2 or not isinstance(group, bytes):  # PrimitiveBlock.primitivegroup
            continue
        for kind, entity in _fields(group, path):
            if kind == 2 and isinstance(entity, bytes):  # DenseNodes: count the packed ids, one varint each
                ids = dict(_fields(entity, path)).get(1, b"")
                if not isinstance(ids, bytes):
                    raise _corrupt(path, "a DenseNodes group has no packed ids")
                count += int((np.frombuffer(ids, np.uint8) < 0x80).sum())
            else:  # 1 node, 3 way, 4 relation, 5 changeset
                count += 1
                relations |= kind == 4
    return count, relations


def _fields(message: bytes, path: Path) -> Iterator[tuple[int, bytes | int]]:
    """The (field number, value) pairs of a protobuf message; bytes for length-delimited fields."""
    position, end = 0, len(message)
    try:
        while position < end:
            key, position = _varint(message, position)
            number, wire = key >> 3, key & 7
            if wire == 0:
                value, position = _varint(message, position)
                yield number, value
            elif wire == 2:
                length, position = _varint(message, position)
                if position + length > end:
                    raise ValueError("field runs past its message")
                yield number, message[position : position + length]
                position += length
            elif wire in (1, 5):
                position += 8 if wire == 1 else 4
            else:
                raise ValueError(f"wire type {wire}")
    except (ValueError, IndexError) as error:
        raise _corrupt(path, f"a block is not valid protobuf ({error})") from error


def _varint(message: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = message[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, position
        shift += 7


def _cut(path: Path, what: str) -> FileReadError:
    return FileReadError(
        f"the OpenStreetMap file {path} looks cut short: it {what}. Download or export it again (check it "
        "with `osmium fileinfo -e`); its roads would be incomplete."
    )


def _corrupt(path: Path, what: str) -> FileReadError:
    return FileReadError(f"the OpenStreetMap file {path} is not a valid OSM PBF file: {what}")

"""A readable, seekable stream of a known size, read a piece at a time: the base of the streams an import reads its
stored upload through (the database's pieces, and the same pieces handed to the thread that parses ahead)."""

from __future__ import annotations

import io


class SizedReader(io.RawIOBase):
    """Readable and seekable over `size` bytes; a subclass gives `readinto` from `position`."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size, self.position = size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

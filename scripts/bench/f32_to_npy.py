"""Wraps a raw little-endian float32 file (ROWS x DIM, as make_data.py writes) in a .npy header,
so that `embedq` reads the same bytes. Plain Python, streamed in 64 MiB chunks.

Usage: f32_to_npy.py RAW.f32 OUT.npy ROWS DIM"""
import os
import sys


def main():
    raw, out, rows, dim = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if os.path.getsize(raw) != rows * dim * 4:
        sys.exit(f"{raw}: expected {rows * dim * 4} bytes for {rows} x {dim} float32")
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, dim)
    header += " " * (-(10 + len(header) + 1) % 64) + "\n"
    tmp = out + ".tmp"
    with open(raw, "rb") as source, open(tmp, "wb") as target:
        target.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode("latin1"))
        while chunk := source.read(64 << 20):
            target.write(chunk)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()

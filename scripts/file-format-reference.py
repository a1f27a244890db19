#!/usr/bin/env python3
"""An independent reimplementation of the Letterlock encrypted file format v1 and of its content
address and manifest v2 (docs/file-format.md), written from the document alone with
pyca/cryptography, to check that the document is precise.

  scripts/file-format-reference.py seeds DIR      write fuzz seeds for Fuzz/FuzzFileStream and Fuzz/FuzzFileManifest
  scripts/file-format-reference.py vector         print a known-answer vector (key, salt, plaintext, ciphertext) as hex
"""
import hashlib
import os
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"LLFS"
TAG = 16


def header(chunk_log2, salt, file_key):
    commitment = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"letterlock-file-v1 key commitment").derive(file_key)
    return MAGIC + bytes([1, chunk_log2, 0, 0]) + salt + commitment


def chunk_key(file_key, salt):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"letterlock-file-v1 chunk key").derive(file_key)


def nonce(index, final):
    return b"\x00\x00\x00" + struct.pack(">Q", index) + (b"\x01" if final else b"\x00")


def encrypt(file_key, salt, plaintext, chunk_log2):
    size = 1 << chunk_log2
    head = header(chunk_log2, salt, file_key)
    aead = AESGCM(chunk_key(file_key, salt))
    chunks = [plaintext[i:i + size] for i in range(0, len(plaintext), size)] or [b""]
    out = bytearray(head)
    for index, chunk in enumerate(chunks):
        out += aead.encrypt(nonce(index, index == len(chunks) - 1), chunk, head)
    return bytes(out)


PART_LOG2 = 22


def address(blob):
    """Content address v2: SHA-256 over the domain, log2 of the part size, the size and each part's SHA-256."""
    part = 1 << PART_LOG2
    outer = hashlib.sha256(b"letterlock-blob-v2" + bytes([PART_LOG2]) + struct.pack(">Q", len(blob)))
    for start in range(0, len(blob), part):
        outer.update(hashlib.sha256(blob[start:start + part]).digest())
    return outer.hexdigest()


def manifest(name, media_type, plaintext_size, chunk_log2, blob_id_hex, file_key, version=2):
    name_bytes = name.encode()
    return (b"LLFM" + bytes([version, chunk_log2]) + struct.pack(">Q", plaintext_size) + bytes.fromhex(blob_id_hex) + file_key
            + struct.pack(">H", len(name_bytes)) + name_bytes + bytes([len(media_type)]) + media_type.encode())


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "vector":
        key, salt = bytes(range(32)), bytes(range(100, 116))
        plaintext = bytes((i * 7) & 0xFF for i in range(5000))
        sealed = encrypt(key, salt, plaintext, 12)
        print("key", key.hex())
        print("salt", salt.hex())
        print("plaintext: bytes (i*7) & 0xff for i in 0..<5000, chunk size 2^12")
        print("ciphertext sha256", hashlib.sha256(sealed).hexdigest())
        print("ciphertext", sealed.hex())
        print("manifest v1", manifest("vector.bin", "application/octet-stream", len(plaintext), 12, hashlib.sha256(sealed).hexdigest(), key, 1).hex())
        print("content address v2", address(sealed))
        print("manifest v2", manifest("vector.bin", "application/octet-stream", len(plaintext), 12, address(sealed), key).hex())
        big = bytes((i * 131 + (i >> 11)) & 0xFF for i in range((1 << PART_LOG2) * 2 + 1000))
        print("content address v2 of bytes (i*131 + (i>>11)) & 0xff for i in 0..<2*4MiB+1000:", address(big))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "seeds":
        target = sys.argv[2]
        stream_dir = os.path.join(target, "FuzzFileStream", "corpus")
        manifest_dir = os.path.join(target, "FuzzFileManifest", "corpus")
        os.makedirs(stream_dir, exist_ok=True)
        os.makedirs(manifest_dir, exist_ok=True)
        key = bytes([7]) * 32  # the fuzz target's fixed key
        for name, size, step in [("empty", 0, 255), ("one-byte", 1, 16), ("one-chunk", 4096, 63), ("three-chunks", 3 * 4096 + 5, 200)]:
            sealed = encrypt(key, os.urandom(16), os.urandom(size), 12)
            with open(os.path.join(stream_dir, name), "wb") as f:
                f.write(bytes([step]) + sealed)  # first byte: the piece size the target feeds
            with open(os.path.join(manifest_dir, name), "wb") as f:
                f.write(manifest(name + ".bin", "application/octet-stream", size, 12, address(sealed), key))
            if name == "one-chunk":
                with open(os.path.join(manifest_dir, name + "-v1"), "wb") as f:
                    f.write(manifest(name + ".bin", "application/octet-stream", size, 12, hashlib.sha256(sealed).hexdigest(), key, 1))
        return
    print(__doc__)
    sys.exit(2)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Write crafted malformed ELF files into DIR (used by test_check.py and to
seed the fuzz corpus).  Each is derived from a real binary or built from
scratch; the name says what is wrong."""
import os
import struct
import sys


def dyn_entries(b):
    """(file offset of each Elf64_Dyn entry, tag, value) of a 64-bit LE ELF."""
    phoff, = struct.unpack_from('<Q', b, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', b, 0x36)
    for i in range(phnum):
        off = phoff + i * phentsize
        p_type, = struct.unpack_from('<I', b, off)
        if p_type == 2:  # PT_DYNAMIC
            p_offset, = struct.unpack_from('<Q', b, off + 8)
            p_filesz, = struct.unpack_from('<Q', b, off + 32)
            out = []
            for e in range(p_filesz // 16):
                tag, val = struct.unpack_from('<qQ', b, p_offset + e * 16)
                out.append((p_offset + e * 16, tag, val))
                if tag == 0:
                    break
            return out
    raise SystemExit('no PT_DYNAMIC')


def main():
    out = sys.argv[1]
    src = sys.argv[2] if len(sys.argv) > 2 else '/usr/bin/ls'
    os.makedirs(out, exist_ok=True)
    good = open(src, 'rb').read()
    files = {}
    files['zero-length'] = b''
    files['not-elf.txt'] = b'#!/bin/sh\necho this is not ELF\n'
    files['magic-only'] = b'\x7fELF'
    files['truncated-header'] = good[:40]
    files['bad-class'] = b'\x7fELF\x09' + good[5:64]
    b = bytearray(good)
    struct.pack_into('<Q', b, 0x20, len(good) + 0x100000)  # e_phoff beyond the file
    files['phoff-beyond-file'] = bytes(b)
    b = bytearray(good)
    struct.pack_into('<H', b, 0x38, 0xfffe)  # e_phnum huge
    files['huge-phnum'] = bytes(b)
    b = bytearray(good)
    struct.pack_into('<H', b, 0x38, 0xffff)  # PN_XNUM with the real count in section 0
    struct.pack_into('<Q', b, 0x28, 0)       # ... but no section headers
    struct.pack_into('<H', b, 0x3c, 0)
    files['pn-xnum-no-sections'] = bytes(b)
    b = bytearray(good)
    struct.pack_into('<H', b, 0x36, 7)  # e_phentsize wrong
    files['bad-phentsize'] = bytes(b)
    ents = dyn_entries(good)
    b = bytearray(good)
    for off, tag, val in ents:
        if tag == 1:  # DT_NEEDED: string offset far past DT_STRSZ
            struct.pack_into('<Q', b, off + 8, 0x7fffffff)
            break
    files['needed-offset-beyond-strtab'] = bytes(b)
    b = bytearray(good)
    for off, tag, val in ents:
        if tag == 10:  # DT_STRSZ huge: table runs past the end of the file
            struct.pack_into('<Q', b, off + 8, 0xffffffffffff)
    files['strsz-beyond-file'] = bytes(b)
    b = bytearray(good)
    for off, tag, val in ents:
        if tag == 5:  # DT_STRTAB: address outside every PT_LOAD
            struct.pack_into('<Q', b, off + 8, 0xdead00000000)
    files['strtab-outside-loads'] = bytes(b)
    files['truncated-half'] = good[:len(good) // 2]
    files['truncated-phdrs'] = good[:0x40 + 0x38 + 10]
    for name, data in files.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
    print('\n'.join(sorted(files)))


if __name__ == '__main__':
    main()

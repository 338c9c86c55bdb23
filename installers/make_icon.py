"""Draw the application icon and write installers/cets-desktop.ico (run once; the .ico is committed).

    QT_QPA_PLATFORM=offscreen .venv/bin/python installers/make_icon.py

A green rounded square with 碳 in white. Sizes 16–48 are stored as 32-bit BMP images (what every
Windows version and NSIS read), 256 as PNG (Windows Vista and later).
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPainterPath

SIZES = (16, 24, 32, 48, 256)
GREEN = QColor("#1f7a4d")


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = QPainterPath()
    inset = max(size * 0.03, 0.5)
    path.addRoundedRect(QRectF(inset, inset, size - 2 * inset, size - 2 * inset), size * 0.18, size * 0.18)
    p.fillPath(path, GREEN)
    font = QFont("WenQuanYi Micro Hei")
    font.setPixelSize(int(size * 0.72))
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(QRectF(0, -size * 0.02, size, size), Qt.AlignmentFlag.AlignCenter, "碳")
    p.end()
    return image


def bmp_entry(image: QImage) -> bytes:
    """BITMAPINFOHEADER + bottom-up BGRA pixels + AND mask (all zero: alpha decides)."""
    size = image.width()
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    pixels = bytearray()
    for y in range(size - 1, -1, -1):
        for x in range(size):
            c = image.pixelColor(x, y)
            pixels += bytes((c.blue(), c.green(), c.red(), c.alpha()))
    mask_row = ((size + 31) // 32) * 4
    return header + bytes(pixels) + bytes(mask_row * size)


def png_entry(image: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(data.data())


def main(target: Path) -> None:
    QGuiApplication(sys.argv[:1])
    entries = [(s, png_entry(render(s)) if s >= 256 else bmp_entry(render(s))) for s in SIZES]
    out = bytearray(struct.pack("<HHH", 0, 1, len(entries)))
    offset = 6 + 16 * len(entries)
    for size, blob in entries:
        dim = 0 if size >= 256 else size
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    for _, blob in entries:
        out += blob
    target.write_bytes(bytes(out))
    print(f"{target}: {len(out)} bytes, sizes {SIZES}")


if __name__ == "__main__":
    main(Path(__file__).with_name("cets-desktop.ico"))

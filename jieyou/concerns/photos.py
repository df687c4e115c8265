"""Photos of a concern: checked by decoding, re-encoded without EXIF or GPS, stored by token.

A phone photo carries the place it was taken and the phone's make in its EXIF block; a
resident reporting a neighbour must not hand that over. So every photo is decoded with
Pillow (the bytes decide, not the file name), turned upright by its EXIF orientation and
written anew as a JPEG that carries nothing but pixels.
"""

import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from .models import ConcernPhoto

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 9
MAX_SIDE = 2048
JPEG_QUALITY = 85
# Far above any phone camera, far below what would exhaust memory when decoded.
MAX_PIXELS = 60_000_000


class PhotoError(ValidationError):
    pass


def _refuse(message: str):
    raise PhotoError({"photos": [message]})


def check_count(files, *, already: int = 0) -> None:
    if already + len(files) > MAX_PHOTOS:
        _refuse(_("最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS})


def reencode(upload, *, position: int) -> tuple[bytes, int, int]:
    """(JPEG bytes, width, height) of one upload, or PhotoError saying which photo failed."""
    which = _("第%(n)d张照片") % {"n": position}
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > MAX_PHOTO_BYTES:
        _refuse(_("%(which)s超过 %(mb)d MB") % {"which": which, "mb": MAX_PHOTO_BYTES // 2**20})
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise ValueError(image.format)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValueError("too many pixels")
            image.load()
            picture = ImageOps.exif_transpose(image)
            picture = _flatten(picture)
            picture.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            # No exif= and no icc_profile=: the new file carries pixels only.
            picture.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
            return out.getvalue(), picture.width, picture.height
    # A damaged or disguised file fails inside Pillow in many ways; each means the same here.
    except Exception:
        _refuse(_("%(which)s不是有效的 JPEG、PNG 或 WebP 图片") % {"which": which})


def _flatten(picture: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no transparency, and a transparent PNG would turn black."""
    if picture.mode in ("RGBA", "LA") or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return picture.convert("RGB")


def save_photos(*, concern, files, stage: str, user=None) -> list[ConcernPhoto]:
    """Store photos for a concern; call inside the action's transaction.

    Every photo is checked before the first one is written, so a bad third photo leaves no
    files from the first two behind.
    """
    files = list(files or ())
    if not files:
        return []
    check_count(files, already=concern.photos.filter(stage=stage).count())
    encoded = [reencode(f, position=i) for i, f in enumerate(files, start=1)]
    saved = []
    for data, width, height in encoded:
        photo = ConcernPhoto(
            concern=concern,
            token=secrets.token_hex(16),
            stage=stage,
            width=width,
            height=height,
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        photo.image.save(f"{photo.token}.jpg", ContentFile(data), save=True)
        saved.append(photo)
    return saved

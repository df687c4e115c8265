import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jieyou.concerns import actions as a
from jieyou.concerns.models import Category, Concern, ConcernPhoto
from jieyou.concerns.photos import MAX_PHOTO_BYTES, PhotoError, reencode, save_photos

GPS_IFD, ORIENTATION, MAKE = 0x8825, 0x0112, 0x010F


def jpeg(name="photo.jpg", size=(40, 20), gps=True, orientation=1) -> SimpleUploadedFile:
    """A JPEG as a phone writes it: camera make, orientation and, by default, GPS."""
    image = Image.new("RGB", size, (200, 10, 10))
    exif = image.getexif()
    exif[MAKE] = "TestPhone"
    exif[ORIENTATION] = orientation
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (43.0, 50.0, 1.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def image_file(fmt, name, mode="RGB") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new(mode, (30, 30), (0, 128, 0, 0) if mode == "RGBA" else (0, 128, 0)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def concern(cast):
    return a.concern_submit(
        actor=cast.grid_worker,
        category=Category.objects.get(code="HJ"),
        description="楼道堆放杂物",
        channel=Concern.Channel.VISIT,
        area=cast.building7,
        reporter=cast.resident,
    )


def test_gps_and_camera_exif_are_dropped_and_orientation_applied():
    source = jpeg(orientation=6)  # stored sideways: "rotate 90° to view"
    assert Image.open(io.BytesIO(source.read())).getexif().get_ifd(GPS_IFD)
    data, width, height = reencode(source, position=1)
    out = Image.open(io.BytesIO(data))
    assert out.format == "JPEG"
    assert (width, height) == out.size == (20, 40)
    assert not out.getexif()
    assert b"TestPhone" not in data and b"Exif" not in data


def test_png_and_webp_are_accepted_and_become_jpeg():
    for upload in (image_file("PNG", "a.png", "RGBA"), image_file("WEBP", "b.webp")):
        data, _w, _h = reencode(upload, position=1)
        assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_large_photos_are_scaled_to_the_longest_side():
    _data, width, height = reencode(jpeg(size=(4000, 1000), gps=False), position=1)
    assert (width, height) == (2048, 512)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("notes.jpg", "这不是图片".encode(), content_type="image/jpeg"),
        image_file("GIF", "moving.jpg"),
        SimpleUploadedFile("cut.jpg", jpeg().read()[:200], content_type="image/jpeg"),
    ],
    ids=["text-renamed-jpg", "gif", "truncated"],
)
def test_files_that_are_not_accepted_images_are_refused(upload):
    with pytest.raises(PhotoError) as e:
        reencode(upload, position=2)
    assert "第2张照片" in e.value.message_dict["photos"][0]


def test_a_photo_over_10_mb_is_refused():
    big = SimpleUploadedFile("big.jpg", b"\xff" * (MAX_PHOTO_BYTES + 1))
    with pytest.raises(PhotoError, match="10 MB"):
        reencode(big, position=1)


def test_ten_photos_are_refused_and_nothing_is_written(concern, media):
    with pytest.raises(PhotoError, match="最多上传 9 张"):
        save_photos(concern=concern, files=[jpeg() for _ in range(10)], stage="intake")
    assert not ConcernPhoto.objects.exists()
    assert not any(media.rglob("*.jpg"))


def test_photos_are_stored_under_random_tokens(concern, media):
    saved = save_photos(concern=concern, files=[jpeg(), jpeg()], stage="intake")
    assert len({p.token for p in saved}) == 2
    for photo in saved:
        assert len(photo.token) == 32
        assert photo.image.name.endswith(f"{photo.token}.jpg")


def test_progress_and_resolution_take_photos(cast, concern):
    a.concern_accept(actor=cast.grid_worker, concern=concern)
    a.concern_progress(actor=cast.grid_worker, concern=concern, note="已清理一半", photos=[jpeg()])
    a.concern_resolve(actor=cast.grid_worker, concern=concern, note="已清理", photos=[jpeg()])
    assert sorted(concern.photos.values_list("stage", flat=True)) == ["progress", "resolution"]


def test_a_bad_progress_photo_leaves_no_progress_step(cast, concern):
    a.concern_accept(actor=cast.grid_worker, concern=concern)
    bad = SimpleUploadedFile("x.jpg", b"not an image")
    with pytest.raises(PhotoError):
        a.concern_progress(actor=cast.grid_worker, concern=concern, note="进展", photos=[bad])
    concern.refresh_from_db()
    assert concern.status == Concern.Status.ACCEPTED
    assert not concern.events.filter(action="progress").exists()


def test_photo_is_served_privately_to_staff_in_scope_only(cast, concern, client_for, client):
    photo = save_photos(concern=concern, files=[jpeg()], stage="intake")[0]
    url = f"/concerns/photo/{photo.token}"
    response = client_for(cast.grid_worker).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert not Image.open(io.BytesIO(body)).getexif()
    assert client_for(cast.secretary).get(url).status_code == 200
    # And the outsider? Nor anyone without an account, nor a made-up token.
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client.get(url).status_code == 404
    assert client_for(cast.grid_worker).get("/concerns/photo/" + "0" * 32).status_code == 404

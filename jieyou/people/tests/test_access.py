from jieyou.people import access


def test_grid_worker_sees_only_their_grids_residents(cast):
    names = set(access.residents(cast.grid_worker).values_list("name", flat=True))
    assert names == {"李女士", "冶大爷"}


def test_outsider_sees_none_of_mingzhu(cast):
    names = set(access.residents(cast.outsider).values_list("name", flat=True))
    assert names == {"周先生"}
    assert not access.areas(cast.outsider).filter(pk=cast.mingzhu.pk).exists()


def test_county_admin_sees_everyone_and_handler_no_resident(cast):
    assert access.residents(cast.county_admin).count() >= 3
    assert access.residents(cast.handler).count() == 0
    assert list(access.units(cast.handler)) == [cast.property_co]

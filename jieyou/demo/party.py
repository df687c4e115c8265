"""The road-construction company of the seed page, kept as individual records so that its
2024 summary counts the page's figures: 近30次学习, 6场次参观, 4场次培训班, 8场次专题党课,
20余次一线指导, 1个临时党支部, 6名新党员, 24个示范岗, 5支突击队, 2个责任区, 9对师徒,
200余篇稿件, 15个风采人物; 299 employees, 98 members, 1 committee and 3 branches."""

import random
from collections import Counter
from datetime import date, timedelta

from jieyou.party import actions as party
from jieyou.party.models import (
    Article,
    BrandProfile,
    CommandoTeam,
    Enterprise,
    Honour,
    MentorPair,
    ModelPost,
    PartyActivity,
    PartyMember,
    PartyOrg,
    ResponsibilityZone,
    RoleModel,
)

COMPANY = "新疆公路建设（集团）有限责任公司"
COMMITTEE = "新疆公路建设集团党委"
BRANCHES = ("机关党支部", "第一项目党支部", "第二项目党支部")
TEMPORARY = "S228线改建项目临时党支部"
A = PartyActivity.Kind
M = PartyMember.Status
# kind → how many in 2024 and the topics they rotate through
ACTIVITIES_2024 = {
    A.STUDY: (16, ["读书班：习近平新时代中国特色社会主义思想", "理论学习中心组学习"]),
    A.FIRST_TOPIC: (8, ["“第一议题”学习：交通强国建设"]),
    A.THEME_DAY: (4, ["“党员先锋行”主题党日"]),
    A.BASE_VISIT: (6, ["参观廉政教育基地", "参观红色文化体验馆"]),
    A.TRAINING: (4, ["党务干部培训班", "发展对象培训班"]),
    A.SPECIAL_LESSON: (8, ["书记讲专题党课：砥砺五十载 共筑百年梦"]),
    A.GUIDANCE: (22, ["机关党员赴一线指导帮扶"]),
}
HONOURS = [
    ("“‘铸道’我来讲——党课开讲啦”主题微党课比赛一等奖", Honour.Level.GROUP, "新疆交投集团"),
    (
        "第二届党员教育微视频大赛优秀奖（《砥砺五十载 共筑百年梦》）",
        Honour.Level.GROUP,
        "新疆交投集团",
    ),
    ("2024年度先进基层党组织", Honour.Level.PREFECTURE, "昌吉州国资委、新疆交投集团"),
    ("2024年度交通运输品牌建设三等奖", Honour.Level.GROUP, "交通运输品牌建设"),
    (
        "“五个好”规范化标准化党支部（机关党支部）",
        Honour.Level.PREFECTURE,
        "昌吉州国资委、新疆交投集团",
    ),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "建国志强海军明伟磊勇涛斌杰军峰刚平辉鹏华亮超"


def _day(rng: random.Random, year: int = 2024) -> date:
    return date(year, 1, 1) + timedelta(days=rng.randrange(365 if year != 2024 else 366))


def load(created: Counter) -> None:
    if PartyOrg.objects.filter(name=COMMITTEE).exists():
        return
    rng = random.Random(2024)
    firm = Enterprise.objects.create(name=COMPANY, kind=Enterprise.Kind.STATE, employees=299)
    committee = party.org_create(
        actor=None,
        name=COMMITTEE,
        kind=PartyOrg.Kind.COMMITTEE,
        parent=None,
        founded_on=date(1999, 7, 1),
        enterprises=[firm],
    )
    branches = [
        party.org_create(
            actor=None,
            name=n,
            kind=PartyOrg.Kind.BRANCH,
            parent=committee,
            founded_on=date(2005, 7, 1),
            enterprises=[firm],
        )
        for n in BRANCHES
    ]
    party.org_create(
        actor=None,
        name=TEMPORARY,
        kind=PartyOrg.Kind.TEMPORARY,
        parent=committee,
        founded_on=date(2024, 4, 8),
        enterprises=[firm],
    )
    members = _members(rng, branches)
    _activities(rng, branches, members)
    _recognition(rng, committee, branches, members)
    BrandProfile.objects.create(
        org=committee,
        name="薪火同星",
        meaning="“薪火”：公路精神，薪火相传。",
        colours="中国红、公路蓝",
    )
    created["party orgs"] += 5
    created["party members"] += len(members)


def _members(rng, branches) -> list[PartyMember]:
    names = set()
    while len(names) < 100:
        names.add(rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN))
    names = sorted(names)
    members = []
    # 92 members of long standing and 6 developed in 2024 (candidates since 2023): 98 in all.
    for i, name in enumerate(names[:92]):
        members.append(
            party.member_create(
                actor=None,
                name=name,
                org=branches[i % 3],
                status=M.FULL,
                on=date(2000 + i % 20, 7, 1),
            )
        )
    for i, name in enumerate(names[92:98]):
        m = party.member_create(
            actor=None, name=name, org=branches[i % 3], status=M.CANDIDATE, on=date(2023, 9, 1)
        )
        members.append(party.member_advance(actor=None, member=m, on=date(2024, 6 + i % 3, 28)))
    # Two applicants in the pipeline are not members yet and do not count.
    for name in names[98:]:
        party.member_create(
            actor=None, name=name, org=branches[0], status=M.APPLICANT, on=date(2024, 10, 8)
        )
    return members


def _activities(rng, branches, members) -> None:
    by_branch = {b.pk: [m for m in members if m.org_id == b.pk] for b in branches}
    for kind, (count, topics) in ACTIVITIES_2024.items():
        for i in range(count):
            branch = branches[i % 3]
            party.activity_record(
                actor=None,
                kind=kind,
                topic=topics[i % len(topics)],
                held_on=_day(rng),
                orgs=[branch],
                attendees=rng.sample(by_branch[branch.pk], k=len(by_branch[branch.pk]) * 4 // 5),
            )
    # 三会一课 for each branch, with a few sittings missed so the check has gaps to show.
    for b, branch in enumerate(branches):
        for month in range(1, 13):
            if (month + b) % 7:
                party.activity_record(
                    actor=None,
                    kind=A.COMMITTEE_MEETING,
                    topic="支委会",
                    held_on=date(2024, month, 5),
                    orgs=[branch],
                )
            party.activity_record(
                actor=None,
                kind=A.GROUP_MEETING,
                topic="党小组会",
                held_on=date(2024, month, 15),
                orgs=[branch],
            )
            if month % 3 == 0:
                party.activity_record(
                    actor=None,
                    kind=A.GENERAL_MEETING,
                    topic="支部党员大会",
                    held_on=date(2024, month, 25),
                    orgs=[branch],
                )
                if b or month != 9:
                    party.activity_record(
                        actor=None,
                        kind=A.LESSON,
                        topic="党课",
                        held_on=date(2024, month, 26),
                        orgs=[branch],
                    )


def _recognition(rng, committee, branches, members) -> None:
    def add(model, n, **fields):
        for i in range(n):
            branch = branches[i % 3]
            kwargs = {k: (v(i, branch) if callable(v) else v) for k, v in fields.items()}
            party.record_add(actor=None, model=model, org=branch, **kwargs)

    add(
        ModelPost,
        24,
        name=lambda i, b: f"党员示范岗{i + 1}号",
        started_on=lambda i, b: _day(rng),
        members=lambda i, b: [rng.choice([m for m in members if m.org_id == b.pk])],
    )
    add(
        CommandoTeam,
        5,
        name=lambda i, b: f"党员突击队（{['桥梁', '路基', '路面', '养护', '机料'][i]}）",
        started_on=lambda i, b: _day(rng),
    )
    add(
        ResponsibilityZone,
        2,
        name=lambda i, b: f"党员责任区（第{i + 1}工段）",
        started_on=lambda i, b: _day(rng),
    )
    add(
        MentorPair,
        9,
        mentor=lambda i, b: rng.choice([m for m in members if m.org_id == b.pk]),
        apprentice=lambda i, b: f"新入职员工{i + 1}",
        started_on=lambda i, b: _day(rng),
    )
    add(
        Article,
        206,
        title=lambda i, b: f"党建宣传稿件第{i + 1}篇",
        channel=lambda i, b: rng.choice(["交投集团微信公众号", "《国企》党建", "昌吉日报"]),
        published_on=lambda i, b: _day(rng),
    )
    add(
        RoleModel,
        15,
        member=lambda i, b: rng.choice([m for m in members if m.org_id == b.pk]),
        title="公路风采人物",
        selected_on=lambda i, b: _day(rng),
    )
    for title, level, issuer in HONOURS:
        party.record_add(
            actor=None,
            model=Honour,
            org=committee,
            title=title,
            level=level,
            issuer=issuer,
            awarded_on=_day(rng),
        )

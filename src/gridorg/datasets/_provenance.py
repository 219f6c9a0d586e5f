"""Where every figure of the presets comes from: published, public record, or assumed.

The source of both presets is a 2025 news report on party-building-led urban grassroots
governance in Yinjiang (印江) and Songtao (松桃) counties, Tongren, Guizhou. Quotations in
the ``source`` column are from that report.
"""

from __future__ import annotations

from typing import Final, Literal

import attrs

from gridorg.errors import ArgumentTypeError, InvalidArgumentError

ProvenanceStatus = Literal[
    "published", "published lower bound", "public record", "assumption", "not modelled"
]

#: The statuses a provenance row can have, in the order the tables list them.
PROVENANCE_STATUSES: Final[tuple[ProvenanceStatus, ...]] = (
    "published",
    "published lower bound",
    "public record",
    "assumption",
    "not modelled",
)


@attrs.frozen
class ProvenanceRow:
    """One figure of a preset: its value, where it comes from and how the preset holds it.

    ``status`` is one of :data:`PROVENANCE_STATUSES`:

    - ``"published"``: stated exactly in the report (a count or a name); the preset has it
      exactly.
    - ``"published lower bound"``: the report says "N余" (more than N); the preset has at
      least N.
    - ``"public record"``: not in the report but in public administrative records.
    - ``"assumption"``: the report is silent; ``note`` gives the reason for the choice.
    - ``"not modelled"``: published, but about something the preset does not hold (activities
      such as problems solved or meetings held); listed so that the table covers the report.

    ``source`` quotes the report (or says what else the figure rests on); ``note`` says how
    the preset holds the figure: in its tree, or in its cross-links (``org.links``: partners,
    people, service sites, unit locations and typed links).
    """

    figure: str
    value: str
    status: ProvenanceStatus = attrs.field(validator=attrs.validators.in_(PROVENANCE_STATUSES))
    source: str
    note: str = ""


_NOT_PUBLISHED = "not published"
_Y = ProvenanceRow

YINJIANG: Final[tuple[ProvenanceRow, ...]] = (
    _Y(
        "community party-mass service centres (社区党群服务中心)",
        "14",
        "published",
        "「50余支社会力量加入14个社区党群服务中心」",
        "14 communities, each with one community party organisation: the units of tier "
        "community whose parent is a street. Each hosts one service site of kind "
        "party_mass_centre (id ending -S0) that serves it.",
    ),
    _Y(
        "community party general branches (社区党总支)",
        "3",
        "published",
        "「设立3个社区党总支、21个党支部、173个网格党小组」",
        "Communities 01, 02 and 09 are led by a general branch (form general_branch).",
    ),
    _Y(
        "party branches (党支部)",
        "21",
        "published",
        "「设立3个社区党总支、21个党支部、173个网格党小组」; again 「在14个社区党群服务中心、"
        "21个党支部」",
        "11 communities led by a branch plus 10 branches nested in the general branches "
        "(4 + 3 + 3): form branch, tier community.",
    ),
    _Y(
        "grid party groups (网格党小组)",
        "173",
        "published",
        "「设立3个社区党总支、21个党支部、173个网格党小组」",
        "173 grids, each with its party group (form group): 「推动网格党组织应建尽建」 read "
        "as done.",
    ),
    _Y(
        "four-level organisation (四级组织架构)",
        "街道党工委—社区党支部—网格党小组—党员中心户(联户长)",
        "published",
        "「构建“街道党工委—社区党支部—网格党小组—党员中心户(联户长)”四级组织架构」",
        "The four tiers of the default scheme: street, community, grid, household.",
    ),
    _Y(
        "convenor and full-time deputy secretary of the extended committee (大工委)",
        "the street secretary; a former community secretary",
        "published",
        "「由街道党工委书记作为“大工委”的总召集人，聘请经验丰富的离任社区书记为专职副书记」",
        "Each street has two people assigned to it: one with role secretary (id ending "
        "-P-SEC) and one with role deputy_secretary (-P-DEP, attribute background: former "
        "community secretary).",
    ),
    _Y(
        "red stations / neighbourhood centres etc. (服务阵地)",
        "21",
        "published",
        "「全面搭建红色驿站、近邻中心等服务阵地21处，不断完善和拓展党群服务中心服务矩阵」",
        "21 service sites besides the 14 centres: 11 red_station, 8 neighbourhood_centre and "
        "2 other (便民服务站), 35 sites in all. The sentence counts red stations, "
        "neighbourhood centres and the like, which extend the centres' service matrix, and "
        "the report counts the 14 centres separately, so the 21 are read as not including "
        "them. Each site serves its community (Serving).",
    ),
    _Y(
        "volunteer teams",
        "6",
        "published",
        "「组建了社区评议员队伍、微心愿服务队等6支志愿队伍」",
        "6 VolunteerTeam partners (YJ-V1 … YJ-V6), the first two named as in the report. Each "
        "joins the 14 centres (Joining); the evaluators' and the mediators' teams also join "
        "the 21 other sites, where 「依托近邻中心、红色驿站等场所打造睦邻茶室、居民议事厅」.",
    ),
    _Y(
        "county-level units sunk (驻区单位)",
        "106",
        "published",
        "「推动组织106个县级驻区单位、3000余名在职党员干部…下沉一线」",
        "106 partners, 58 of kind government_unit and 48 of kind institution (YJ-U001 … "
        "YJ-U106), each registered at one community (Registration, no date): 7 or 8 per "
        "community.",
    ),
    _Y(
        "gridders (网格员)",
        "500+",
        "published lower bound",
        "「聘用网格员500余名」",
        "2–4 gridders on each grid (field gridders); the preset has 526 in all.",
    ),
    _Y(
        "departments on the extended street working committee (大工委)",
        "10+",
        "published lower bound",
        "「邀请与城市发展建设治理有直接关系的民政、人社、公安、教育等十余个单位主要领导兼任委员」",
        "13 Department partners, each a member of the committee of both streets "
        "(CommitteeMembership, position part-time member). Between them they answer for every "
        "built-in issue category, so responsible_departments finds one for each.",
    ),
    _Y(
        "social forces joined",
        "50+",
        "published lower bound",
        "「广泛吸纳社会企业、社工团体、民间社团等50余支社会力量加入14个社区党群服务中心」",
        "56 partners, four per centre, each joined to its community's centre (Joining).",
    ),
    _Y(
        "in-service party members sunk",
        "3000+",
        "published lower bound",
        "「3000余名在职党员干部在工作之余下沉一线…组建“网格民情联络员”工作队伍，将党员干部"
        "精准嵌入社区网格」",
        "3,060 people with role in_service_member, each sunk into one grid (Sinking, duty "
        "grid sentiment liaison). A member's id starts with the id of the registered unit it "
        "comes from (YJ-U001-M07). They stay registered with their work units and are not "
        "counted in party_members.",
    ),
    _Y(
        "community evaluators (社区评议员)",
        "30+",
        "published lower bound",
        "「在14个社区党群服务中心、21个党支部，吸纳30余名党员、能人等作为社区评议员」",
        "35 people with role evaluator: one assigned to each of the 14 community party "
        "organisations (for the centres) and one to each of the 21 branches (Assignment), "
        "reading the sentence as one evaluator per place it names. Party membership is left "
        "unknown: the report says 党员、能人.",
    ),
    _Y(
        "mediators (纠纷调解队)",
        "50+",
        "published lower bound",
        "「组织50余名离退休干部、小区党员、居民骨干成立纠纷调解队」",
        "56 people with role mediator, four assigned to each community (Assignment); party "
        "membership unknown.",
    ),
    _Y(
        "streets (街道)",
        "峨岭街道 (Eling), 龙津街道 (Longjin)",
        "public record",
        "administrative divisions of the county; the report names no street",
        "Public records list three subdistricts (峨岭, 龙津, 中兴). The preset takes 峨岭, seat "
        "of the county government, and 龙津, split off from the former 峨岭镇 in 2015, as the "
        "urban streets, each with form working_committee.",
    ),
    _Y(
        "county seat (县城)",
        "27.99°N 108.41°E",
        "public record",
        "geography of the county; the report gives no location",
        "The centre of the locations: 峨岭街道 stands at the seat, every other location is "
        "placed around it (see locations).",
    ),
    _Y(
        "communities per street",
        "8 in 峨岭街道, 6 in 龙津街道",
        "assumption",
        _NOT_PUBLISHED,
        "The report does not say how the 14 communities divide between streets.",
    ),
    _Y(
        "community names",
        "社区 01（合成） … 社区 14（合成）",
        "assumption",
        _NOT_PUBLISHED,
        "The report names no Yinjiang community; the names say they are synthetic.",
    ),
    _Y(
        "branches inside the general branches",
        "4, 3 and 3 (21 − 11 = 10)",
        "assumption",
        _NOT_PUBLISHED,
        "A general branch contains branches, one per residential quarter (小区). The three "
        "largest communities (by grids) take the general branches, since a general branch "
        "needs more than 50 party members.",
    ),
    _Y(
        "grids per community",
        "16–18 in a general-branch community (4–6 per branch); 9–14 in a branch community",
        "assumption",
        _NOT_PUBLISHED,
        "173 grids shared so that larger party organisations hold more grids.",
    ),
    _Y(
        "households per grid",
        "150–350, uniform",
        "assumption",
        _NOT_PUBLISHED,
        "A grid of a few hundred households, as grids of this kind usually are.",
    ),
    _Y(
        "households per household head",
        "10–15",
        "assumption",
        _NOT_PUBLISHED,
        "A party-member central household (党员中心户/联户长) liaises for about 10–15 "
        "neighbouring households.",
    ),
    _Y(
        "household heads per grid",
        "ceil(households / k), k uniform in 10–15",
        "assumption",
        _NOT_PUBLISHED,
        "Kept so that every head covers 10–15 households; a grid's households are shared "
        "among its heads as evenly as possible (field households of tier household).",
    ),
    _Y(
        "party members",
        "1 per household head; 1–3 more per grid; 3–8 per community organisation",
        "assumption",
        _NOT_PUBLISHED,
        "Each household head is a party member's household (党员中心户). The published forms "
        "are kept although most communities have enough members for a higher form: the "
        "regulations allow a higher form, they do not require it.",
    ),
    _Y(
        "gridders per grid",
        "2–4, uniform",
        "assumption",
        _NOT_PUBLISHED,
        "About 3 per grid gives the published 500+ over 173 grids.",
    ),
    _Y(
        "departments and their categories",
        "民政, 人社, 公安, 教育 and 政法委, 司法, 住建, 城管, 生态环境, 卫健, 市场监管, "
        "应急, 信访",
        "assumption",
        "「民政、人社、公安、教育等十余个单位」 names four",
        "The four named departments and one more for each responsible function of the "
        "built-in issue categories: 13, within 十余. Names are the usual ones of county "
        "bodies (印江县民政局, 铜仁市生态环境局印江分局); every department serves the whole "
        "preset (no jurisdiction) and sits on both streets' committees, since the report does "
        "not say which street's committee it describes.",
    ),
    _Y(
        "registered units: kinds, names and communities",
        "58 government units, 48 institutions; 县直机关单位 001（合成） …",
        "assumption",
        _NOT_PUBLISHED,
        "县级驻区单位 are county government bodies and public institutions; the split and "
        "the names are not published. Units are dealt in turn over the communities, taken in "
        "a drawn order, so that every community has 7 or 8.",
    ),
    _Y(
        "in-service party members: number and grids",
        "3,060; 28 or 29 per registered unit; grid drawn in proportion to households",
        "assumption",
        _NOT_PUBLISHED,
        "3000余 read as a little over 3,000, shared evenly among the 106 units. Each member is "
        "sunk into a grid drawn with probability proportional to its households, standing for "
        "where the member lives.",
    ),
    _Y(
        "social forces: kinds and names",
        "per centre: 社会企业 (enterprise), 社工团体 and 民间社团 (social_organisation), "
        "物业企业 (property_company)",
        "assumption",
        "「社会企业、社工团体、民间社团等」 names the kinds, not the bodies",
        "Four per centre, 56 in all, within 50余; the property companies stand for the "
        "物业企业 that the report's on-site joint office brings in. Names are synthetic "
        "(社工团体 03（合成）).",
    ),
    _Y(
        "the volunteer teams the report does not name",
        "纠纷调解队, 新时代文明实践志愿服务队, 助老助残志愿服务队, 环境卫生志愿服务队",
        "assumption",
        "「社区评议员队伍、微心愿服务队等6支志愿队伍」 names two",
        "The mediation team, whose 50余 members are retired cadres, party members and "
        "residents, is read as one of the six; the other three carry usual names of such "
        "teams. The evaluators' team has 35 members and the mediation team 56 (field "
        "members); the others' sizes are unknown.",
    ),
    _Y(
        "service sites: kinds and communities",
        "11 red stations, 8 neighbourhood centres, 2 便民服务站; 1 per community, 2 in the 7 "
        "with the most grids",
        "assumption",
        _NOT_PUBLISHED,
        "The report names red stations and neighbourhood centres and shows a 便民服务站 (kind "
        "other); the split is not published. The kinds are dealt in a drawn order.",
    ),
    _Y(
        "grids served by each site",
        "the nearest site of the grid's community",
        "assumption",
        _NOT_PUBLISHED,
        "Every site serves its community; every grid is also served (Serving) by the site of "
        "its community nearest to it, towards the 15-minute service circle "
        "(15分钟便民服务圈).",
    ),
    _Y(
        "locations",
        "streets 3.3 km apart; communities 0.85–1 km apart; grids within 650 m of their "
        "community's centre",
        "assumption",
        _NOT_PUBLISHED,
        "WGS84 points drawn from a fixed seed: communities on a spiral around their street's "
        "centre (峨岭 at the seat, 龙津 2.4 km east and 2.3 km north), grids on a spiral "
        "around their community's centre moved by up to 50 m, nested branches in the middle "
        "of their grids. Each party-mass service centre stands within 60 m of its "
        "community's location, each further site at the grid farthest from the sites placed "
        "before it, so that every grid lies within 600 m of a site in a straight line. "
        "Household heads have no location.",
    ),
    _Y(
        "simulated year: arrival rates",
        "6.13 issues a day (about 2,240 a year) over the 15 built-in categories",
        "assumption",
        "not published: the report gives outcomes, not rates",
        "yinjiang_scenario(): environment 1.3, urban management 1.0, property management 0.9, "
        "neighbour disputes 0.68, public facilities 0.6, civil assistance 0.4, public security "
        "0.3, stability and employment 0.2 each, legal services and health 0.15 each, market "
        "regulation 0.1, education, emergency and petitions 0.05 each, a day; Poisson, no "
        "weekly or seasonal profile. Chosen so that a simulated 2024 (seed 0) exceeds the "
        "published lower bounds by about 5–20 %.",
    ),
    _Y(
        "simulated year: channels",
        "gridders' app 40 %, online 12 %, hotline 17.5 %, visit 15 %, sunk members 10.5 %, "
        "contact points 5 %",
        "assumption",
        "「通过线上受理、线下服务」 names the online channel, not its share",
        "问题线上解 (gridders report by phone) is read as the gridders' app and online "
        "together: 52 % of the issues, so that more than 1,000 demands close online.",
    ),
    _Y(
        "simulated year: three lists (三张清单)",
        "property management and public facilities, yellow or orange: on-site joint office",
        "assumption",
        "「面对面直接解决群众反映问题300余个」 counts the problems, not the matters that reach "
        "the problem list",
        "three_lists_rules(): the standard rule table with one rule added after the red "
        "whistle, sending these matters to a joint office (现场办公) at their community; the "
        "standard table sends only orange and red property matters there.",
    ),
    _Y(
        "three-level grid system (三级网格体系)",
        "社区总网格—小区(街区)网格长—楼栋(街巷)网格员",
        "not modelled",
        "「搭建“社区总网格—小区(街区)网格长—楼栋(街巷)网格员”的三级网格体系」",
        "The preset keeps one grid tier: the community stands for its general grid, grid units "
        "are quarter or block grids, and building or lane gridders are counted on them.",
    ),
    _Y(
        "suggestions collected (sunk members)",
        "100+",
        "not modelled",
        "「累计征集工作建议100余条」",
    ),
    _Y(
        "problems solved (sunk members)",
        "200+",
        "not modelled",
        "「协调解决公共服务设施完善、困难群体帮扶等民生保障问题200余件」",
        "Not held by the preset: a simulated year of yinjiang_scenario() gives it as "
        "outcomes(result)['solved_by_dual_reporting'] (see the calibrated scenarios).",
    ),
    _Y(
        "problems solved on site (三张清单)",
        "300+",
        "not modelled",
        "「面对面直接解决群众反映问题300余个」",
        "Not held by the preset: a simulated year of yinjiang_scenario() gives it as "
        "outcomes(result)['solved_on_site'] (see the calibrated scenarios).",
    ),
    _Y(
        "disputes and problems solved by deliberation",
        "200+",
        "not modelled",
        "「有效破解物业管理难点、联系服务群众、矛盾纠纷调解等问题200余个」",
        "Not held by the preset: a simulated year of yinjiang_scenario() gives it as "
        "outcomes(result)['solved_by_deliberation'] (see the calibrated scenarios).",
    ),
    _Y(
        "demands closed online, 2024",
        "1000+",
        "not modelled",
        "「2024年，通过线上受理、线下服务，有效办结群众诉求1000余条」",
        "Not held by the preset: a simulated year of yinjiang_scenario() gives it as "
        "outcomes(result)['closed_online'] (see the calibrated scenarios).",
    ),
)

SONGTAO: Final[tuple[ProvenanceRow, ...]] = (
    _Y(
        "street (街道)",
        "蓼皋街道 (Liaogao)",
        "published",
        "「10名蓼皋街道党工委班子成员」; 「蓼皋街道南门社区」",
        "The one street of the preset (form working_committee).",
    ),
    _Y(
        "community named in the report",
        "南门社区 (Nanmen)",
        "published",
        "「蓼皋街道南门社区探索党建引领基层治理“四个三”工作法」",
        "Community 01 of 蓼皋街道.",
    ),
    _Y(
        "community party-mass service centres (社区党群服务中心)",
        "12",
        "published",
        "「优化12个社区党群服务中心功能」",
        "12 communities, each with one community party organisation: the units of tier "
        "community whose parent is a street. Each hosts one service site of kind "
        "party_mass_centre (id ending -S0) that serves the community and all its grids.",
    ),
    _Y(
        "community party committees (社区党委)",
        "4",
        "published",
        "「调整成立社区党委4个、党总支3个、党支部29个，设立网格党小组73个」",
        "Communities 01–04 are led by a committee (form committee).",
    ),
    _Y(
        "community party general branches (党总支)",
        "3",
        "published",
        "「调整成立社区党委4个、党总支3个、党支部29个」",
        "Communities 05–07 are led by a general branch (form general_branch).",
    ),
    _Y(
        "party branches (党支部)",
        "29",
        "published",
        "「调整成立社区党委4个、党总支3个、党支部29个」",
        "5 communities led by a branch plus 24 branches nested in the committees and general "
        "branches: form branch, tier community.",
    ),
    _Y(
        "grid party groups (网格党小组)",
        "73",
        "published",
        "「设立网格党小组73个」",
        "73 grids with form group.",
    ),
    _Y(
        "comprehensive grids after 多网合一 (综合网格)",
        "102",
        "published",
        "「按照“多网合一”要求，优化设置综合网格102个」",
        "102 units of tier grid.",
    ),
    _Y(
        "merge scenario: grids merged from the functional networks",
        "102",
        "published",
        "「按照“多网合一”要求，优化设置综合网格102个」",
        "merge_networks over the base layer and networks of songtao_networks(), with its "
        "bounds (200–450 households), gives 102 grids, none outside the bounds; "
        "Organisation.with_grids puts them in place of the preset's grids. The base layer and "
        "the networks are drawn (see the merge scenario assumptions), so the count is matched "
        "by the choice of seed, not predicted.",
    ),
    _Y(
        "iron triangle (铁三角)",
        "党小组(党支部)+网格员+联户长",
        "published",
        "「进一步夯实“党小组(党支部)+网格员+联户长”铁三角」",
        "Every grid has a party group or is led by its branch, at least one gridder, and "
        "household heads: org.iron_triangle(grid).complete holds for all 102.",
    ),
    _Y(
        "county leaders as contact points",
        "27",
        "published",
        "「优化调整27名县级党员领导干部、8名县委组织部班子成员、10名蓼皋街道党工委班子成员城市"
        "基层党建联系点，全覆盖联系城市社区和重点网格」",
        "27 people with role county_leader (ST-P-CL01 … CL27), each with one contact point "
        "(ContactPoint): the first 12 on the 12 communities, the other 15 on key grids.",
    ),
    _Y(
        "organisation-department members as contact points",
        "8",
        "published",
        "「8名县委组织部班子成员」",
        "8 people with role organisation_department_member (ST-P-OD01 … OD08), each with a "
        "key grid as contact point.",
    ),
    _Y(
        "street committee members as contact points",
        "10",
        "published",
        "「10名蓼皋街道党工委班子成员城市基层党建联系点」",
        "10 people with role street_committee_member (ST-P-SC01 … SC10), each with a key "
        "grid as contact point and assigned to 蓼皋街道 with that role.",
    ),
    _Y(
        "street part-time committee members",
        "9",
        "published",
        "「充分发挥9名街道党工委兼职委员、36名社区党组织兼职委员作用」",
        "9 people with role part_time_member (ST-P-SP01 … SP09), members of the committee "
        "of 蓼皋街道 (CommitteeMembership). The report counts them in 名, a count of people, "
        "so they are people, not departments.",
    ),
    _Y(
        "community part-time members",
        "36",
        "published",
        "「36名社区党组织兼职委员」",
        "36 people with role part_time_member (ST-P-CP01 … CP36), three on the committee of "
        "each community (CommitteeMembership).",
    ),
    _Y(
        "service teams",
        "181",
        "published",
        "「组建服务团队181支」",
        "181 distinct service teams (服务团队 001 … 181), one on the registration of each "
        "registered unit.",
    ),
    _Y(
        "units registered (双报到)",
        "180+",
        "published lower bound",
        "「2024年，组织180余个机关企事业单位党组织、新兴领域党组织，3000余名在职党员、170余名"
        "新就业群体党员到社区报到，组建服务团队181支」",
        "181 partners (ST-U001 … ST-U181), each registered at one community in 2024 "
        "(Registration with a date and a service team).",
    ),
    _Y(
        "in-service members registered",
        "3000+",
        "published lower bound",
        "「3000余名在职党员」",
        "3,030 people with role in_service_member, each registered at one community in 2024 "
        "(Registration with a date). A member's id starts with its unit's id (ST-U001-M07). "
        "They stay registered with their work units and are not counted in party_members.",
    ),
    _Y(
        "new-employment members registered",
        "170+",
        "published lower bound",
        "「170余名新就业群体党员到社区报到」",
        "172 people with role new_employment_member, registered like the in-service members; "
        "their ids start with the id of a new-sector unit.",
    ),
    _Y(
        "county seat (县城)",
        "28.16°N 109.20°E",
        "public record",
        "geography of the county; the report gives no location",
        "The centre of the locations: 蓼皋街道 stands at the seat, every other location is "
        "placed around it (see locations).",
    ),
    _Y(
        "streets",
        "1: 蓼皋街道",
        "assumption",
        _NOT_PUBLISHED,
        "The report names only 蓼皋街道, the county seat. Public records list further "
        "subdistricts (大兴, 世昌, 太平营, 九江) but the report does not say which hold the "
        "12 communities; the preset puts all of them under 蓼皋.",
    ),
    _Y(
        "community names",
        "南门社区, 社区 02（合成） … 社区 12（合成）",
        "assumption",
        _NOT_PUBLISHED,
        "Only 南门社区 is named; the other names say they are synthetic.",
    ),
    _Y(
        "party form of 南门社区",
        "committee",
        "assumption",
        _NOT_PUBLISHED,
        "Not published; a prize-winning community is taken to be one of the larger ones.",
    ),
    _Y(
        "branches inside committees and general branches",
        "5, 5, 4, 4 in the committees; 2 in each general branch",
        "assumption",
        _NOT_PUBLISHED,
        "5 + 18 + 6 = 29. Committees, which need at least 100 party members, hold the most.",
    ),
    _Y(
        "grids without a party group",
        "29 = 102 − 73, one per branch",
        "assumption",
        _NOT_PUBLISHED,
        "The iron triangle reads 党小组(党支部): where a grid has no group its branch stands "
        "in. 102 − 73 equals the 29 branches, so each branch leads its first grid itself: "
        "form None, attribute led_by = 'branch'.",
    ),
    _Y(
        "grids per branch",
        "3 or 4: one led by the branch, 2 or 3 with a group",
        "assumption",
        _NOT_PUBLISHED,
        "73 groups over 29 branches: the 15 first branches (in the committees) hold 3, the "
        "other 14 hold 2.",
    ),
    _Y(
        "households per grid",
        "200–450, uniform",
        "assumption",
        _NOT_PUBLISHED,
        "A merged comprehensive grid covers several hundred households.",
    ),
    _Y(
        "households per household head",
        "10–15",
        "assumption",
        _NOT_PUBLISHED,
        "A household head (联户长) liaises for about 10–15 neighbouring households.",
    ),
    _Y(
        "household heads per grid",
        "ceil(households / k), k uniform in 10–15",
        "assumption",
        _NOT_PUBLISHED,
        "Kept so that every head covers 10–15 households; a grid's households are shared "
        "among its heads as evenly as possible (field households of tier household).",
    ),
    _Y(
        "party members",
        "1 per household head; 1–3 more per grid; 3–8 per community organisation",
        "assumption",
        _NOT_PUBLISHED,
        "Each household head is a party member's household (党员中心户).",
    ),
    _Y(
        "gridders per grid",
        "1–2, uniform",
        "assumption",
        _NOT_PUBLISHED,
        "The iron triangle puts a gridder on every grid; the total is not published.",
    ),
    _Y(
        "key grids and who contacts what",
        "12 county leaders on the 12 communities; 33 leaders on the 33 grids with the most "
        "households",
        "assumption",
        "「全覆盖联系城市社区和重点网格」 names no grid",
        "One contact point per leader, as the report counts leaders. Every community is "
        "covered; the key grids are taken to be the largest by households (ties: the earlier "
        "grid).",
    ),
    _Y(
        "registered units: kinds and names",
        "90 government units, 60 institutions, 11 state-owned enterprises; 12 enterprises and "
        "8 social organisations of new sectors",
        "assumption",
        "「机关企事业单位党组织、新兴领域党组织」 names the kinds",
        "180余 units and 181 teams are read as one team per unit: 181 units. New-sector "
        "units carry the attribute new_sector: true. Names are synthetic (机关单位 001（合成）); "
        "units are dealt in turn over the communities, taken in a drawn order (15 or 16 "
        "each).",
    ),
    _Y(
        "registration dates",
        "units: a day in January–June 2024; members: 0–120 days after their unit",
        "assumption",
        "「2024年…到社区报到」 gives the year",
        "Drawn from a fixed seed; every date falls in 2024.",
    ),
    _Y(
        "members per unit and where they register",
        "in-service: 18 or 19 per traditional unit; new-employment: 8 or 9 per new-sector "
        "unit; community drawn in proportion to households",
        "assumption",
        _NOT_PUBLISHED,
        "3000余 and 170余 read as a little over; in-service members come from the government "
        "units, institutions and state-owned enterprises, new-employment members from the "
        "new-sector units. Under 双报到 a member reports to the community where they live, "
        "drawn with probability proportional to its households; they carry no service team.",
    ),
    _Y(
        "departments",
        "13, as for Yinjiang (松桃县民政局 …), not on the committees",
        "assumption",
        "「持续深化“街道吹哨、部门报到”」; 「联合工青妇、教育局等部门」",
        "Departments answer when the street blows the whistle; the report names none on a "
        "committee. The same 13 functions as for Yinjiang, so that every built-in issue "
        "category has a responsible department; no committee memberships.",
    ),
    _Y(
        "service sites",
        "the 12 centres only; each serves its community and all its grids",
        "assumption",
        _NOT_PUBLISHED,
        "The report counts no other site for Songtao.",
    ),
    _Y(
        "locations",
        "communities 0.9–1.1 km apart; grids within 700 m of their community's centre",
        "assumption",
        _NOT_PUBLISHED,
        "WGS84 points drawn from a fixed seed: communities on a spiral around the seat, grids "
        "on a spiral around their community's centre moved by up to 50 m, nested branches in "
        "the middle of their grids. Each party-mass service centre stands within 60 m of its "
        "community's location, and every grid lies within 700 m of its centre in a straight "
        "line. Household heads have no location.",
    ),
    _Y(
        "merge scenario: functional networks",
        "8: 党建, 综治, 民政, 环保, 城管, 卫生健康, 市场监管, 应急管理",
        "assumption",
        "for Songtao only 「按照“多网合一”要求」; for Yinjiang 「推动党建、综治、环保、城管等功能"
        "网格“多网合一”」",
        "The report names the merged networks only for Yinjiang. Songtao is taken to have "
        "merged the same four and, for 等, four more of the nine of the 2024 central list "
        "(NETWORK_KINDS): civil affairs, health, market regulation, emergency management. "
        "Petitions (信访) is left out, taken to reach the grids through comprehensive "
        "governance (综治).",
    ),
    _Y(
        "merge scenario: bounds",
        "200–450 households per grid",
        "assumption",
        _NOT_PUBLISHED,
        "The preset's households per grid, passed as min_households and max_households, so "
        "that the merged grids keep to the preset's own assumption.",
    ),
    _Y(
        "merge scenario: layout",
        "a 32 × 32 lattice of 80 m squares; the communities along a Hilbert curve",
        "assumption",
        _NOT_PUBLISHED,
        "A schematic city, not a map: each square is one base unit, adjacent to the squares "
        "beside it (1,984 adjacent pairs), with a planar location in metres. The 1,024 squares "
        "are shared among the communities in proportion to their households (216 for "
        "南门社区 down to 25 for community 10), each community a consecutive stretch of one "
        "Hilbert curve through the lattice, so that it is connected.",
    ),
    _Y(
        "merge scenario: base units",
        "1,024: buildings (楼栋) on 50 % of the 2 × 2 squares, lanes (街巷) on 30 %, blocks "
        "(街区) on 20 %",
        "assumption",
        _NOT_PUBLISHED,
        "Households drawn uniformly, 18–54 for a building, 6–24 for a lane, 24–72 for a "
        "block, then shared out in each community so that it holds exactly the preset's "
        "households (33,250 in all), at least 1 a unit: 6–84 a unit, median 30. An id is the "
        "community's id, the kind's letter (B, L, K) and the unit's number along the curve: "
        "ST-LG-C01-B001.",
    ),
    _Y(
        "merge scenario: party-building network (党建网格)",
        "73 cells, one per grid party group",
        "assumption",
        "「设立网格党小组73个」 gives the count, not the cells",
        "Each community's stretch of the curve is cut into as many cells as the preset has "
        "grid party groups there, each 80–120 % of the community's mean: 313–640 households, "
        "38 of them above the maximum. No gaps, no overlaps, no cell crosses a community line.",
    ),
    _Y(
        "merge scenario: the other networks",
        "cells of 200–400 (综治) and 2,400–4,000 (民政) households inside communities; "
        "600–1,200 (城管), 800–1,600 (市场监管), 1,200–2,400 (卫生健康), 1,500–3,000 "
        "(应急管理) and 2,000–4,000 (环保) across community lines",
        "assumption",
        _NOT_PUBLISHED,
        "Each network, from its own seed, cuts a Hilbert path into runs of households drawn "
        "uniformly in its range: 综治 and 民政 the communities' path, community by community; "
        "the others the curve turned or mirrored over the whole lattice, so that their cells "
        "cross community lines. 综治 cells reach 2–4 units over every other community line, "
        "and a quarter of the units that start a 综治 cell (30 % for 卫生健康) are listed in "
        "the cell before as well (overlaps). 城管 leaves one building in eight to property "
        "management and 市场监管 covers lanes and blocks only (gaps). The networks have 73, "
        "121, 17, 11, 37, 18, 29 and 17 cells.",
    ),
    _Y(
        "merge scenario: seed",
        "299",
        "assumption",
        _NOT_PUBLISHED,
        "Over seeds 0–2,399 the merge under the bounds gives 98–113 grids (median 106; 102 "
        "for 103 seeds). 299 is the first seed for which it gives 102, none outside the "
        "bounds, whatever its own tie-breaking seed (0–19), with every community within one "
        "grid of the preset: 21, 19, 15, 12, 7, 6, 6, 4, 3, 3, 3, 3 against 20, 20, 16, 13, 6, "
        "6, 6, 3, 3, 3, 3, 3. The count is matched by this choice, not predicted.",
    ),
    _Y(
        "merge scenario: links of the replaced grids",
        "dropped (drop_links=True)",
        "assumption",
        _NOT_PUBLISHED,
        "songtao().with_grids(result, drop_links=True) removes the preset's 102 grids with "
        "their 2,697 household heads and the links that touch them: 33 contact points on key "
        "grids and the centres' 102 service links to grids. The merged grids hang directly "
        "under their communities (not under nested branches), with their households and no "
        "party form, gridders or household heads; the 2,892 party members counted on the old "
        "grids and their heads go with them (64 of 2,956 stay).",
    ),
    _Y(
        "simulated year: arrival rates",
        "3.4 issues a day (about 1,240 a year) over the 15 built-in categories",
        "assumption",
        "not published: the report gives outcomes, not rates",
        "songtao_scenario(): environment 0.7, urban management 0.55, property management "
        "0.45, neighbour disputes and public facilities 0.35 each, civil assistance 0.3, "
        "public security 0.2, stability and employment 0.15 each, health 0.1, legal services "
        "0.05, market regulation 0.02, education, emergency and petitions 0.01 each, a day; "
        "Poisson, no weekly or seasonal profile, the standard rule table.",
    ),
    _Y(
        "simulated year: channels",
        "registered members (sunk_member) 47 %, gridders' app 25.5 %, hotline 10 %, contact "
        "points 7.5 %, visit 6 %, online 4 %",
        "assumption",
        "「帮助社区解决问题500余个」 and 「帮助协调解决问题80余个」 give counts, not shares",
        "双报到 members and contact points bring the problems they help solve, so that a "
        "simulated 2024 (seed 0) gives more than 500 and more than 80 closed cases.",
    ),
    _Y(
        "simulated year: urgency",
        "levels 1–4: 36 %, 40 %, 20 %, 4 %",
        "assumption",
        "「2024年街道吹哨部门报到解决问题40个」 gives the whistles, not the urgency",
        "The standard rules whistle every red matter; with the default importance (30 %, 40 "
        "%, 20 %, 10 %) 3.2 % of the matters are red, about 40 a year.",
    ),
    _Y(
        "thematic working groups of the coordination mechanism",
        "6",
        "not modelled",
        "「下设…易地搬迁安置地基层治理6个工作组」",
    ),
    _Y(
        "problems solved via contact points",
        "80+",
        "not modelled",
        "「帮助协调解决问题80余个」",
        "Not held by the preset: a simulated year of songtao_scenario() gives it as "
        "outcomes(result)['solved_via_contact_points'] (see the calibrated scenarios).",
    ),
    _Y(
        "problems solved by the whistle (街道吹哨、部门报到), 2024",
        "40",
        "not modelled",
        "「2024年街道吹哨部门报到解决问题40个」",
        "Not held by the preset: a simulated year of songtao_scenario() gives it as "
        "outcomes(result)['solved_by_whistle'] (see the calibrated scenarios).",
    ),
    _Y("smart communities", "2", "not modelled", "「推进2个智慧社区建设」"),
    _Y(
        "volunteer person-times",
        "25,000+",
        "not modelled",
        "「到社区参与志愿服务共2.5万余人次」",
    ),
    _Y(
        "problems solved by registered members",
        "500+",
        "not modelled",
        "「帮助社区解决问题500余个」",
        "Not held by the preset: a simulated year of songtao_scenario() gives it as "
        "outcomes(result)['solved_by_dual_reporting'] (see the calibrated scenarios).",
    ),
)

_TABLES: Final = {"yinjiang": YINJIANG, "songtao": SONGTAO}


def _string(what: str, value: object) -> str:
    if not isinstance(value, str):
        msg = f"{what} must be a string, got {type(value).__name__}"
        raise ArgumentTypeError(msg)
    return value


def provenance(name: str) -> tuple[ProvenanceRow, ...]:
    """The provenance table of the preset ``name`` (``"yinjiang"`` or ``"songtao"``).

    Every figure the report publishes for the county is listed, those the tree holds and those
    it does not, together with the public records and assumptions the preset adds. Rows come
    in the order of :data:`PROVENANCE_STATUSES`; see :class:`ProvenanceRow` for what each
    status means.
    """
    key = _string("preset name", name)
    try:
        return _TABLES[key]
    except KeyError:
        expected = ", ".join(repr(key) for key in _TABLES)
        msg = f"unknown preset {name!r}; expected one of {expected}"
        raise InvalidArgumentError(msg) from None

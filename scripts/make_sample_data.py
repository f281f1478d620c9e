"""Write ``sample_data/``: a fictional bureau's rosters as a clerk receives them.

Deterministic (fixed seed): running it again gives the same files. Every ID number carries a
correct GB 11643 check digit and a gender digit that matches the 性别 column; every credit code
a correct GB 32100 check character. All people, places and firms are invented.

    python scripts/make_sample_data.py
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from stdnum.cn import ric, uscc

OUT = Path(__file__).resolve().parent.parent / "sample_data"
RNG = random.Random(20260301)

SECTIONS = [
    ("办公室", "综合协调、领导小组办公室"),
    ("综合科", "综合政策研究"),
    ("企业服务科", "企业服务与帮扶"),
    ("中小企业发展科", "中小企业培育"),
    ("经济运行科", "经济运行监测"),
    ("技术创新科", "技术改造与创新"),
    ("人事科", "干部人事"),
    ("财务审计科", "财务与审计"),
    ("政策法规科", "政策法规与法律服务"),
]
SURNAMES = list(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文单"
)
GIVEN_M = [
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "刚",
    "平",
    "辉",
    "建国",
    "志强",
    "海波",
    "文博",
    "宏伟",
    "振华",
    "立新",
    "德胜",
    "国庆",
    "长青",
]
GIVEN_F = [
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "娟",
    "霞",
    "秀英",
    "玉兰",
    "桂英",
    "晓燕",
    "丽华",
    "春梅",
    "雪梅",
    "海燕",
    "慧敏",
    "婷婷",
]
TITLES = ["科员", "科员", "科员", "副科长", "科长", "一级主任科员", "四级主任科员"]
AREAS = ["371302", "371311", "371312", "371321", "371322", "371323", "371324", "371325"]
TOWNS = [
    ("幸福社区", "社区", "兰山街道", "兰山第三网格"),
    ("沂河社区", "社区", "兰山街道", "兰山第七网格"),
    ("银雀山社区", "社区", "银雀山街道", "银雀山第二网格"),
    ("金雀山社区", "社区", "金雀山街道", "金雀山第五网格"),
    ("育才社区", "社区", "金雀山街道", "金雀山第一网格"),
    ("和平社区", "社区", "柳青街道", "柳青第四网格"),
    ("前河湾村", "村", "枣园镇", ""),
    ("后石沟村", "村", "白沙埠镇", ""),
    ("东王庄村", "村", "李官镇", ""),
    ("西岭村", "村", "方城镇", ""),
]
FIRMS = [
    ("临沂华强机械有限公司", "装备制造"),
    ("沂蒙宏达食品有限公司", "食品加工"),
    ("临沂金鼎建材有限公司", "建材"),
    ("山东沂州木业有限公司", "木业"),
    ("临沂恒源新材料科技有限公司", "新材料"),
    ("临沂鲁南物流有限公司", "物流"),
    ("沂蒙山茶业有限公司", "农副产品"),
    ("临沂瑞丰纺织有限公司", "纺织"),
    ("临沂天成电子科技有限公司", "电子信息"),
    ("临沂润康医药有限公司", "医药"),
    ("临沂宏图印务有限公司", "印刷包装"),
    ("临沂新世纪商贸有限公司", "商贸"),
    ("临沂东方不锈钢有限公司", "冶金"),
    ("临沂绿源生态农业有限公司", "农业"),
    ("临沂祥和陶瓷有限公司", "陶瓷"),
    ("临沂智联软件有限公司", "软件"),
    ("临沂金太阳光伏有限公司", "新能源"),
    ("临沂众邦汽车配件有限公司", "汽车配件"),
    ("临沂百川化工有限公司", "化工"),
    ("临沂佳美家居有限公司", "家居"),
]
NEEDS = [
    "子女上学需要协调",
    "家中老人常年患病，就医负担重",
    "下岗后想学一门手艺",
    "想找一份稳定工作",
    "想发展大棚蔬菜，缺资金和技术",
    "不了解最新的低保政策",
    "邻里宅基地纠纷",
    "房屋漏雨，生活困难",
    "残疾，需要政策帮扶",
    "希望了解创业贷款政策",
]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def person_id(birth: dt.date, male: bool) -> str:
    seq = RNG.randrange(0, 100) * 10 + RNG.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8])
    body = f"{RNG.choice(AREAS)}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def phone() -> str:
    return (
        RNG.choice(["13", "15", "18", "17"])
        + str(RNG.randrange(0, 10))
        + f"{RNG.randrange(0, 10**8):08d}"
    )


def credit_code() -> str:
    body = "91371300" + "".join(RNG.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body + "0")


def birth(low: int, high: int) -> dt.date:
    return dt.date(RNG.randrange(low, high), RNG.randrange(1, 13), RNG.randrange(1, 29))


def person_name(male: bool, used: set[str]) -> str:
    while True:
        name = RNG.choice(SURNAMES) + RNG.choice(GIVEN_M if male else GIVEN_F)
        if name not in used:
            used.add(name)
            return name


def write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (OUT / name).open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    write("科室.csv", ["科室名称", "备注"], [list(s) for s in SECTIONS])

    used: set[str] = set()
    cadres: list[list[object]] = []
    leaders = [
        ("办公室", "局长", "组长", True),
        ("企业服务科", "副局长", "副组长", True),
        ("中小企业发展科", "副局长", "副组长", True),
        ("技术创新科", "副局长", "副组长", True),
        ("经济运行科", "纪检组长", "成员", True),
        ("政策法规科", "总工程师", "成员", True),
        ("办公室", "办公室主任", "办公室", False),
    ]
    for section, title, role, leader in leaders:
        male = RNG.random() < 0.7
        name = person_name(male, used)
        cadres.append(
            [
                name,
                section,
                "男" if male else "女",
                title,
                "中共党员",
                "是" if leader else "否",
                role,
                phone(),
                person_id(birth(1966, 1980), male),
            ]
        )
    # Two cadres of one common name in different sections, and the polyphonic 单 and 曾.
    fixed = [
        ("张伟", "综合科", True),
        ("张伟", "企业服务科", True),
        ("单丽", "人事科", False),
        ("曾强", "财务审计科", True),
    ]
    for name, section, male in fixed:
        used.add(name)
        cadres.append(
            [
                name,
                section,
                "男" if male else "女",
                "科员",
                "中共党员",
                "否",
                "",
                phone(),
                person_id(birth(1975, 1996), male),
            ]
        )
    sections = [s for s, _ in SECTIONS]
    while len(cadres) < 64:
        male = RNG.random() < 0.55
        party = RNG.choices(["中共党员", "中共预备党员", "群众", "共青团员"], [80, 6, 10, 4])[0]
        cadres.append(
            [
                person_name(male, used),
                sections[len(cadres) % len(sections)],
                "男" if male else "女",
                RNG.choice(TITLES),
                party,
                "否",
                "",
                phone(),
                person_id(birth(1968, 2000), male),
            ]
        )
    write(
        "干部花名册.csv",
        [
            "姓名",
            "科室",
            "性别",
            "职务",
            "政治面貌",
            "领导班子成员",
            "领导小组职务",
            "手机号码",
            "身份证号码",
        ],
        cadres,
    )

    write(
        "社区村.csv",
        ["名称", "类别", "乡镇(街道)", "网格", "联系人", "手机号码"],
        [[n, k, t, g, person_name(RNG.random() < 0.5, used), phone()] for n, k, t, g in TOWNS],
    )

    write(
        "企业.csv",
        ["企业名称", "统一社会信用代码", "行业", "地址", "联系人", "手机号码"],
        [
            [
                n,
                credit_code(),
                ind,
                f"临沂市兰山区{RNG.choice(['工业大道', '沂河路', '通达路', '解放路'])}{RNG.randrange(1, 300)}号",
                person_name(RNG.random() < 0.6, used),
                phone(),
            ]
            for n, ind in FIRMS
        ],
    )

    households = []
    hh_used: set[str] = set()
    for i in range(150):
        male = RNG.random() < 0.6
        community = TOWNS[i % len(TOWNS)][0]
        households.append(
            [
                person_name(male, hh_used),
                community,
                phone(),
                person_id(birth(1940, 1990), male),
                RNG.randrange(1, 7),
                RNG.choice(NEEDS),
                f"{community}{RNG.randrange(1, 40)}号楼{RNG.randrange(1, 6)}单元",
            ]
        )
    write(
        "联系户.csv",
        ["户主姓名", "所在社区(村)", "手机号码", "身份证号码", "家庭人口", "需求", "地址"],
        households,
    )


if __name__ == "__main__":
    main()

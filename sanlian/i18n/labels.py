"""Enumerations: ASCII keys stored in the database, Chinese labels shown to users.

A user may type either the key or the label; :func:`parse` accepts both.
"""

from __future__ import annotations

from collections.abc import Mapping

from sanlian.errors import ValidationError

Enum = dict[str, str]

GENDER: Enum = {"male": "男", "female": "女"}

PARTY: Enum = {
    "member": "中共党员",
    "probationary": "中共预备党员",
    "league": "共青团员",
    "democratic": "民主党派",
    "masses": "群众",
    "other": "其他",
}
PARTY_MEMBERS = ("member", "probationary")

ROLE: Enum = {"head": "组长", "deputy": "副组长", "member": "成员", "office": "办公室"}

COMMUNITY_KIND: Enum = {"community": "社区", "village": "村"}

TARGET_KIND: Enum = {"community": "社区(村)", "enterprise": "企业", "household": "联系户"}

LINK_KIND: Enum = {
    "community": "部门单位联系社区(村)",
    "enterprise": "领导班子联系企业",
    "household": "党员干部联系群众",
}

VISIT_FORM: Enum = {
    "home": "入户走访",
    "talk": "座谈交流",
    "card": "发放联系卡",
    "phone": "电话联系",
    "other": "其他",
}

# Words clerks write for the forms, besides the keys and labels.
VISIT_FORM_WORDS: dict[str, str] = {
    "入户": "home",
    "上门": "home",
    "上门走访": "home",
    "走访入户": "home",
    "家访": "home",
    "入户家访": "home",
    "实地走访": "home",
    "座谈": "talk",
    "座谈会": "talk",
    "座谈走访": "talk",
    "电话": "phone",
    "电话走访": "phone",
    "电话访问": "phone",
    "电话回访": "phone",
    "发卡": "card",
    "发联系卡": "card",
    "发放联系卡片": "card",
}

CATEGORY_ENTERPRISE: Enum = {
    "project": "项目",
    "funds": "资金",
    "land": "土地",
    "technology": "技术",
    "talent": "人才",
    "legal": "法律",
    "other": "其他",
}
CATEGORY_HOUSEHOLD: Enum = {
    "training": "技能培训",
    "employment": "就业再就业",
    "schooling": "就学",
    "medical": "就医",
    "income": "致富项目",
    "policy": "政策信息",
    "legal": "法律服务",
    "donation": "捐款捐物",
    "other": "其他",
}
CATEGORY_COMMUNITY: Enum = {
    "planning": "发展规划",
    "publicity": "政策法规宣传",
    "environment": "生产发展环境",
    "facilities": "公共设施",
    "dispute": "矛盾纠纷",
    "other": "其他",
}
CATEGORIES: dict[str, Enum] = {
    "community": CATEGORY_COMMUNITY,
    "enterprise": CATEGORY_ENTERPRISE,
    "household": CATEGORY_HOUSEHOLD,
}

MEASURE: Enum = {
    "policy": "送政策",
    "information": "送信息",
    "funds": "送资金",
    "technology": "送技术",
    "talent": "送人才",
    "health": "送健康",
    "culture": "送文化",
    "law": "送法律",
}

PROBLEM_STATUS: Enum = {
    "pending": "待办",
    "in_progress": "办理中",
    "resolved": "已解决",
    "unresolvable": "无法解决",
}

PROBLEM_STEP: Enum = {
    "raise": "提出",
    "progress": "办理",
    "resolve": "解决",
    "close": "无法解决",
    "reopen": "重新办理",
    "extend": "延期",
}

ACTIVITY_KIND: Enum = {
    "plan": "制定实施方案",
    "organize": "成立组织机构",
    "mobilize": "动员部署会议",
    "education": "群众观念专题教育",
    "org_life": "共同过组织生活",
    "civility": "文明行动进社区",
    "exchange": "交流体会",
    "mechanism": "建立长效机制",
    "summary": "全面总结",
    "selfcheck": "自查报告",
}

PHASE: Enum = {
    "mobilise": "动员部署阶段",
    "implement": "组织实施阶段",
    "summarise": "总结阶段",
}

EIGHT_ONES: Enum = {
    "education": "开展一次群众观念专题教育",
    "org_life": "共同过一次组织生活",
    "interview": "开展一次民情民意访谈",
    "research": "撰写一份调研报告",
    "civility": "组织一次文明行动进社区",
    "practical": "解决一些实际问题",
    "conflict": "化解一些社会矛盾",
    "mechanism": "建立一个长效机制",
}

# Field names as users read them, used in error sentences and table headers.
FIELD: dict[str, str] = {
    "id": "编号",
    "name": "名称",
    "section": "科室",
    "gender": "性别",
    "title": "职务",
    "party": "政治面貌",
    "leader": "领导班子成员",
    "role": "领导小组职务",
    "phone": "手机号码",
    "id_number": "身份证号码",
    "kind": "类别",
    "town": "乡镇(街道)",
    "grid": "网格",
    "contact": "联系人",
    "uscc": "统一社会信用代码",
    "industry": "行业",
    "address": "地址",
    "community": "所在社区(村)",
    "members": "家庭人口",
    "needs": "需求",
    "date": "日期",
    "year": "年度",
    "unit": "单位",
    "note": "备注",
}


def label(enum: Enum, key: str | None) -> str:
    """The Chinese label of ``key`` (the key itself if unknown, empty for None)."""
    if key is None:
        return ""
    return enum.get(key, key)


def parse(enum: Enum, value: str, field: str, words: Mapping[str, str] | None = None) -> str:
    """Accept a key or a Chinese label (case-insensitive for keys), or one of ``words``;
    return the key."""
    text = value.strip().replace("其它", "其他")  # both are written for "other"
    if text in enum:
        return text
    if words and text in words:
        return words[text]
    low = text.lower()
    for key, lab in enum.items():
        if low == key.lower() or text == lab:
            return key
    choices = "、".join(f"{lab}({key})" for key, lab in enum.items())
    raise ValidationError("enum_invalid", field=field, value=value, choices=choices)


# the campaign's rules (``campaign show``/``set``, and the journal of their changes)
CAMPAIGN_SETTINGS = {
    "household_pairs_per_cadre": "每名干部同时结对户数上限",
    "problem_days": "问题办理时限(天)",
    "yellow_days": "超期多少天亮黄牌",
    "red_days": "超期多少天亮红牌",
    "stale_days": "问题多少天无进展需督促",
    "visit_cadence_days": "干部多少天内应有走访",
    "research_warn_days": "总结阶段前多少天提醒调研报告",
}


# The tables as a clerk knows them (history, undo, db check, db copy); any other shows its name.
TABLE_LABELS = {
    "campaign": "活动年度",
    "phase": "阶段",
    "section": "科室",
    "cadre": "干部",
    "community": "社区(村)",
    "enterprise": "企业",
    "household": "联系户",
    "search_key": "检索词",
    "link": "联系",
    "visit": "走访",
    "visit_cadre": "走访干部",
    "visit_section": "走访与科室对应表",
    "visit_day": "按日走访统计表",
    "visit_day_section": "按日按科室走访统计表",
    "problem": "问题",
    "problem_step": "问题办理步骤",
    "step_measure": "解决措施",
    "activity": "活动记录",
    "activity_cadre": "活动参加干部",
    "research": "调研报告",
    "journal": "变更日志",
    "journal_change": "变更日志明细",
}


# What the clerks call each kind of record, beside its label (``export 走访``, ``history
# --record 村:…``): word → kind.
KIND_WORDS = {
    "科室": "section",
    "干部": "cadre",
    "社区": "community",
    "村": "community",
    "社区(村)": "community",
    "企业": "enterprise",
    "联系户": "household",
    "群众": "household",
    "结对户": "household",
    "联系": "link",
    "联系记录": "link",
    "走访": "visit",
    "走访记录": "visit",
    "问题": "problem",
    "活动": "activity",
    "活动记录": "activity",
    "调研报告": "research",
    "调研": "research",
}

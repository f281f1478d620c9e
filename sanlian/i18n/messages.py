"""The catalogue of every sentence a user reads, keyed.

Each error sentence names the field and says how to fix it.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, str] = {
    # --- generic values -------------------------------------------------------------------
    "enum_invalid": "“{field}”的值“{value}”不认识，请填写以下之一：{choices}。",
    "required": "“{field}”不能为空，请填写{field}。",
    "text_too_long": "“{field}”太长（{length} 字），请压缩到 {limit} 字以内。",
    "integer_invalid": "“{field}”应为不小于 {minimum} 的整数，现在是“{value}”，请改正。",
    "date_invalid": "“{field}”的日期“{value}”无法识别，请写成 2022-06-03、2022/6/3、20220603、6-3 或 6月3日。",
    "date_impossible": "“{field}”的日期“{value}”不存在（{reason}），请核对年月日。",
    "date_outside_campaign": "“{field}”的日期 {value} 不在 {year} 年活动期间（{start} 至 {end}），请核对日期。",
    "money_invalid": "“{field}”的金额“{value}”无法识别，请写成以元为单位的数字，如 12345.67（最多两位小数）。",
    "phone_invalid": "“{field}”“{value}”不是有效的手机号码：应为 1 开头的 11 位数字，请核对后重填。",
    "id_length": "“{field}”“{value}”应为 18 位（最后一位可为 X），现在是 {length} 位，请核对。",
    "id_format": "“{field}”“{value}”前 17 位应全是数字，最后一位为数字或 X，请核对。",
    "id_checksum": "“{field}”“{value}”的校验位不对（按前 17 位应为 {expected}），请核对是否抄错。",
    "id_birth": "“{field}”“{value}”中的出生日期 {birth} 不存在或不合理，请核对第 7–14 位。",
    "id_gender": "“{field}”“{value}”的第 17 位表示{id_gender}性，与填写的性别“{gender}”不符，请核对性别或号码。",
    "id_masked": "“{field}”“{value}”是遮蔽过的号码（含 *），不能作为真实号码写入；请用 --reveal 导出完整号码后再导入。",
    "uscc_invalid": "“{field}”“{value}”不是有效的统一社会信用代码（{reason}），请对照营业执照重新填写 18 位代码。",
    "uscc_reason_length": "应为 18 位",
    "uscc_reason_format": "含有不允许的字符",
    "uscc_reason_checksum": "校验位不对",
    # --- references ------------------------------------------------------------------------
    "ref_not_found": "找不到{kind}“{ref}”，请用 sanlian {command} list 查看编号或姓名后重试。",
    "ref_ambiguous": "{kind}“{ref}”对应多条记录：{candidates}。请改用编号，或写全名（干部可写 姓名@科室）。",
    "ref_retired": "{kind}“{ref}”（编号 {id}）已停用，不能再用于新记录。",
    "ref_empty": "请写明{kind}（编号、名称或拼音）。",
    # --- database --------------------------------------------------------------------------
    "db_missing": "数据库 {path} 还不存在，请先运行 sanlian init 建立本年度活动。",
    "db_open_failed": "无法打开数据库 {path}：{reason}。请检查路径与权限，或用 --db 指定其他位置。",
    "db_newer": "数据库 {path} 由更新版本的 sanlian 建立（结构版本 {found}，本程序支持到 {known}），请升级 sanlian 后再用。",
    "db_locked": "数据库正被其他程序占用，请稍后再试。",
    "db_integrity": "写入被数据库拒绝（{reason}），未做任何修改。",
    "internal_error": "程序内部出错（{reason}），未做任何修改。请加 --debug 重试并把输出发给维护人员。",
    # --- campaign --------------------------------------------------------------------------
    "no_campaign": "数据库里还没有活动年度，请先运行 sanlian init --year 年份。",
    "campaign_exists": "{year} 年的活动已经建立，无需再次 init；如需修改请用 sanlian campaign set。",
    "campaign_year_missing": "没有 {year} 年的活动，已有年度：{years}。请用 --year 指定已有年度，或先 sanlian init --year {year}。",
    "year_invalid": "“年度”“{value}”不对，请写四位年份，如 2026。",
    "phase_unknown": "“阶段”“{value}”不认识，请写 1、2、3 或 动员部署、组织实施、总结。",
    "phase_order": "“{field}”的开始日期 {start} 晚于结束日期 {end}，请调换或改正。",
    "phase_outside_year": "“{field}”的日期必须在 {year} 年内，请改正。",
    "setting_unknown": "没有名为“{name}”的活动规则，可设置：{choices}。",
    # --- registry --------------------------------------------------------------------------
    "duplicate_name": "{kind}“{name}”已存在（编号 {id}），请换一个名称或编辑原记录。",
    "duplicate_id_number": "身份证号码与{kind}“{name}”（编号 {id}）相同，同一人不能登记两次，请核对。",
    "duplicate_uscc": "统一社会信用代码与企业“{name}”（编号 {id}）相同，请核对是否重复登记。",
    "remove_referenced": "{kind}“{name}”（编号 {id}）仍被引用：{uses}。请先处理这些记录，或加 --force 将其停用（保留历史）。",
    "nothing_to_edit": "没有给出要修改的内容，请至少写一个选项（见 --help）。",
    "already_retired": "{kind}“{name}”（编号 {id}）已经停用。",
    # --- notes (not errors) ----------------------------------------------------------------
    "note_area_code": "提示：身份证号码 {value} 的地区码 {area} 在出生年份的行政区划表中查不到（可能是已撤销或后设的区划），已按有效号码接受。",
    "added": "已添加{kind}“{name}”，编号 {id}。",
    "edited": "已修改{kind}“{name}”（编号 {id}）。",
    "removed": "已删除{kind}“{name}”（编号 {id}）。",
    "retired": "已停用{kind}“{name}”（编号 {id}），历史记录保留。",
    "init_done": "已建立 {year} 年“三联三解三促”活动（{unit}），数据库：{path}。",
    "campaign_updated": "已更新 {year} 年活动设置。",
    "written_to": "已写入 {path}。",
    "db_not_file": "数据库 {location} 不是本地文件，请用数据库服务器自己的工具备份和恢复。",
    "backup_exists": "备份文件 {path} 已存在，为免覆盖请换一个文件名或指定一个文件夹。",
    "backup_done": "已备份到 {path}。",
    "restore_not_backup": "{path} 不是完好的 sanlian 数据库备份，请检查文件名，未做任何修改。",
    "restore_confirm": "将用备份替换数据库 {path}（原库另存为 .before-restore），确定吗？",
    "restore_done": "已用 {source} 恢复数据库 {path}；原数据库另存为 .before-restore。",
    "demo_no_samples": "找不到示例数据文件夹 {path}，请在 sanlian 源码目录下运行 sanlian demo。",
    "demo_not_ours": "{path} 已存在且不是演示数据库，为免覆盖正式数据，请换一个 --db 路径。",
}


def render(key: str, **params: Any) -> str:
    """The sentence for ``key`` with ``params`` filled in."""
    template = MESSAGES.get(key)
    if template is None:  # a programming error, never a user's
        raise KeyError(key)
    return template.format(**params)

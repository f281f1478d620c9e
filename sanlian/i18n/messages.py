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
    "integer_too_large": "“{field}”的数字“{value}”太大，应不超过 {maximum}，请核对是否多写了数字。",
    "argv_undecodable": "命令行中的“{value}”含有无法识别的字符（问号处）：终端或脚本不是 UTF-8 编码。请把终端（或脚本文件）改为 UTF-8 后重新输入。",
    "number_too_large": "输入的数字太大，超出了能保存或推算的范围，没有做任何修改。请核对编号、天数、日期等数字后重试。",
    "date_invalid": "“{field}”的日期“{value}”无法识别，请写成 2022-06-03、2022/6/3、20220603、6-3 或 6月3日。",
    "date_impossible": "“{field}”的日期“{value}”不存在（{reason}），请核对年月日。",
    "date_outside_campaign": "“{field}”的日期 {value} 不在 {year} 年活动期间（{start} 至 {end}），请核对日期。",
    "money_invalid": "“{field}”的金额“{value}”无法识别，请写成以元为单位的数字，如 12345.67（最多两位小数）。",
    "money_negative": "“{field}”的金额“{value}”是负数；资金指解决问题投入的钱，请写 0 或正数（如 12345.67）。",
    "money_too_large": "“{field}”的金额“{value}”超过 100 亿元，请核对单位是否为元、有没有多写数字。",
    "number_is_words": "“{field}”写的是“{value}”，不是号码；没有号码请留空，有号码请照实填写。",
    "tel_invalid": "“{field}”“{value}”不是有效的电话号码：手机为 1 开头的 11 位数字，固定电话连区号写，如 0539-8123456；请核对后重填。",
    "phone_invalid": "“{field}”“{value}”不是有效的手机号码：应为 1 开头的 11 位数字，请核对后重填。",
    "id_length": "“{field}”“{value}”应为 18 位（最后一位可为 X），现在是 {length} 位，请核对。",
    "id_scientific": "“{field}”“{value}”是 Excel 的科学计数法，后几位数字已经丢失；请在 Excel 中把这一列设为“文本”格式，重新录入完整号码后再复制。",
    "id_format": "“{field}”“{value}”前 17 位应全是数字，最后一位为数字或 X，请核对。",
    "id_excel_zeros": "“{field}”“{value}”的校验位不对，末三位又是 000：多半是 Excel 把号码当成数字存，只保留了前 15 位；请在 Excel 中把这一列设为“文本”格式，重新录入完整号码。",
    "id_checksum": "“{field}”“{value}”的校验位不对（按前 17 位应为 {expected}），请核对是否抄错。",
    "id_birth": "“{field}”“{value}”中的出生日期 {birth} 不存在或不合理，请核对第 7–14 位。",
    "id_gender": "“{field}”“{value}”的第 17 位表示{id_gender}性，与填写的性别“{gender}”不符，请核对性别或号码。",
    "masked_pasted": "{record}：“{field}”中写的“{value}”是遮蔽显示的号码，这样改会丢掉原有的完整号码，未作修改；请用 {see} 查看原文后照原文修改，或删去这个号码。",
    "id_masked": "“{field}”“{value}”是遮蔽过的号码（含 *），不能作为真实号码写入；导入时如只修改其他列，请删去这一列或清空这些格（空白的格保留原值），要写入号码请用 --reveal 导出完整号码后再导入。",
    "uscc_invalid": "“{field}”“{value}”不是有效的统一社会信用代码（{reason}），请对照营业执照重新填写 18 位代码。",
    "uscc_reason_length": "应为 18 位",
    "uscc_reason_format": "含有不允许的字符",
    "uscc_reason_checksum": "校验位不对",
    # --- references ------------------------------------------------------------------------
    "ref_not_found": "找不到{kind}“{ref}”，请用 sanlian {command} list 查看编号或{name}后重试。",
    "ref_ambiguous": "{kind}“{ref}”对应多条记录：{candidates}。请改用编号，或写成 {qualified}。",
    "ref_ambiguous_on": "{kind}“{ref}”在 {on} 对应多条记录（其中有此后停用的）：{candidates}。请改用编号，或写成 {qualified}。",
    "ref_ambiguous_name": "{kind}“{ref}”对应多条记录：{candidates}。请改用编号，或写出完整的名称。",
    "ref_retired": "{kind}“{ref}”（编号 {id}）已停用，不能再用于新记录。",
    "ref_retired_on": "{kind}“{ref}”（编号 {id}）已于 {day} 停用，不能用于 {on} 的记录；停用之前的记录请写明当时的日期（{day} 之前）。",
    "ref_empty": "请写明{kind}（编号、名称或拼音）。",
    # --- database --------------------------------------------------------------------------
    "db_missing": "数据库 {path} 还不存在，请先运行 sanlian init 建立本年度活动。",
    "db_open_failed": "无法打开数据库 {path}：{reason}。请检查路径与权限，或用 --db 指定其他位置。",
    "db_newer": "数据库 {path} 由更新版本的 sanlian 建立（结构版本 {found}，本程序支持到 {known}），请升级 sanlian 后再用。",
    "db_waiting_lock": "数据库正由另一处写入，等待对方完成（最多 {seconds} 秒，按 Ctrl-C 可取消）……",
    "db_locked": "数据库正被其他程序占用（已等待 30 秒仍未释放），未做任何修改，请稍后再试。",
    "db_pg_driver_missing": "要使用 PostgreSQL 数据库，请先安装驱动：pip install 'sanlian[pg]'。",
    "db_bad_url": "数据库地址 {url} 无法识别，请写成 postgresql+psycopg://用户名:密码@服务器:端口/数据库名。",
    "db_pg_unreachable": "连不上数据库服务器 {url}：请确认服务器已启动、地址和端口正确、网络可达。",
    "db_pg_auth": "数据库服务器拒绝登录 {url}：用户名或密码不对，请向管理员核对后改正 --db 或 SANLIAN_DB。",
    "db_pg_no_database": "数据库服务器上没有 {url} 中的数据库，请先让管理员用 CREATE DATABASE 建好它。",
    "db_pg_denied": "数据库 {url} 的用户没有所需权限，请让管理员授予该用户对这个数据库的全部权限。",
    "copy_same": "复制的目标 {url} 就是当前数据库，请用 --to 指定另一个空数据库。",
    "copy_target_not_empty": "目标数据库 {url} 已有数据（{tables}），为免混在一起没有复制；请换一个新建的空数据库。",
    "copy_count_mismatch": "复制后“{table}”的行数不符（原库 {source} 行，目标 {target} 行），已全部撤回，目标库仍是空的。",
    "copy_failed": "复制到 {url} 时出错（{reason}），已全部撤回，目标库仍是空的。",
    "copy_done": "已把 {tables} 张表共 {rows} 行复制到 {url}，各表行数与原库一致。",
    "db_integrity": "写入被数据库拒绝（{reason}），未做任何修改。",
    "shell_welcome": "三联台账交互模式：直接输入命令（如 cadre list），help 查看全部命令，Tab 补全；\nexit、quit 或 Ctrl-D 退出，Ctrl-C 取消当前行。",
    "shell_more_names": "只列出前 {shown} 个，请多输入几个字或拼音",
    "shell_quote": "引号没有配对：请补上缺少的引号（或去掉多余的引号）后重新输入。",
    "shell_interrupted": "已中断，未完成的修改没有写入。",
    "shell_nested": "已经在交互模式中，直接输入命令即可；要退出请输入 exit。",
    "shell_needs_yes": "从文件或管道读取命令时不能回答确认问题，这一行没有执行；确定要做请在这一行加上 --yes。",
    "shell_empty_command": "命令是空的（只有一对引号），请输入命令，help 查看全部命令。",
    "ref_chinese_quotes": '中文引号会被当作名称的一部分：请去掉引号，名称中有空格时改用英文引号 " "。',
    "shell_help": "交互模式中：help 命令 查看一条命令的用法（如 help cadre add），Tab 补全，\n上下键翻历史，Ctrl-R 搜索历史；exit 或 exit N（退出码）退出。",
    "usage_fullwidth_punctuation": "注意：“{word}”中的全角标点“{mark}”不会把词分开，命令里的词和选项之间请用半角空格隔开。",
    "shell_operator": "交互模式里不能用“{operator}”（管道、重定向和分号只在系统的命令行里有效），这一行没有执行：要写入文件请加 -o 文件名（如 -o 干部.xlsx），一次输入一条命令。",
    "usage_input_dash": "注意：“{word}”开头的“{dash}”是中文输入法打出的破折号，不是选项的两个短横线；请把输入法切换到英文（半角）后输入，写成 {folded}。",
    "usage_fullwidth_letters": "注意：“{word}”是全角字符，请把输入法切换到半角（英文标点）后输入，写成 {folded}。",
    "ref_several": "一次只能写一个名称（“，”“、”不会把它分成几个）；能写多个的选项请重复写，如 --cadre 李娜 --cadre 王芳。",
    "shell_masked_number": "交互模式的历史记录只保存遮蔽后的号码（含 *）：翻出的旧命令请把号码重新输入完整。",
    "shell_exit_status": "exit 后面只能跟 0 到 255 的整数（退出码），如 exit 1；只输入 exit 就直接退出。",
    "confirm_invalid": "请回答 y（是）或 n（否）。",
    "internal_error": "程序内部出错（{reason}），未做任何修改。请加 --debug 重试并把输出发给维护人员。",
    # --- campaign --------------------------------------------------------------------------
    "no_campaign": "数据库里还没有活动年度，请先运行 sanlian init --year 年份。",
    "campaign_exists": "{year} 年的活动已经建立，无需再次 init；如需修改请用 sanlian campaign set。",
    "campaign_year_missing": "没有 {year} 年的活动，已有年度：{years}。请用 --year 指定已有年度，或先 sanlian init --year {year}。",
    "selfcheck_before_year": "“截至日期”{as_of} 早于 {year} 年度的开始，自查没有可统计的内容：请用 --as-of 指定 {year}-01-01 以后的日期，或用 --year 选另一年度。",
    "selfcheck_year_ahead": "{year} 年度还没有开始（今天是 {today}），自查没有可统计的内容：请到 {year} 年再运行，或用 --year 选另一年度。",
    "name_is_digits": "“{field}”“{value}”只有数字（或 # 加数字），查找时会被当作编号；名称请写上文字（如写“三科”而不是“3”）。",
    "name_lookup_sign": "“{field}”“{value}”含有“@”，它在命令中用来区分同名（如 张伟@办公室、王秀英@幸福社区）；请去掉或换成别的字。",
    "name_is_number": "“{field}”写的是一串数字（{value}），不像名称，可能是别的列（身份证号码、电话号码、日期等）填到了这一列：请核对各列是否对齐。",
    "year_invalid": "“年度”“{value}”不对，请写 2000 至 2100 年之间的年份，如 2026。",
    "phase_unknown": "“阶段”“{value}”不认识，请写 1、2、3 或 动员部署、组织实施、总结。",
    "campaign_leaves_records": "改后活动期间为 {start} 至 {end}，已登记的 {records}（{days}）将落在期间之外，未修改；请把期间放宽到至少 {wide_start} 至 {wide_end}，走访的日期也可先用 visit edit 改正。",
    "one_head": "领导小组组长已是“{name}”（编号 {id}），组长只有一名；如要更换，请先把原组长改为其他职务（如 sanlian cadre edit {id} --role 副组长），或不给这位干部组长职务。",
    "import_two_heads": "第 {line} 行已是领导小组组长，组长只有一名；请只在一行写“组长”。",
    "phase_order": "“{field}”的开始日期 {start} 晚于结束日期 {end}，请调换或改正。",
    "cards_order": "“超期多少天亮红牌”（{red}）不能少于“超期多少天亮黄牌”（{yellow}），请改正其中一个。",
    "phase_sequence": "“{after}”（{after_start} 至 {after_end}）不能早于“{before}”（{before_start} 至 {before_end}）开始或结束：三个阶段依次为动员部署、组织实施、总结，首尾可以交叉；请改正日期（几个阶段一起往后挪时先改后面的阶段，往前挪时先改前面的阶段）。",
    "phase_outside_year": "“{field}”的日期必须在 {year} 年内，请改正。",
    "setting_unknown": "没有名为“{name}”的活动规则，可设置：{choices}。",
    # --- registry --------------------------------------------------------------------------
    "duplicate_name": "{kind}“{name}”已存在（编号 {id}），请换一个名称或编辑原记录。",
    "duplicate_name_moved": "{place}已有同名{kind}“{name}”（编号 {id}），未修改；同一处的同名者须都登记身份证号码才能区分，请先给两人登记身份证号码（sanlian {command} edit {id} --id-number 号码，编号 {self_id} 同样），再作调整。",
    "duplicate_id_number": "身份证号码与{kind}“{name}”（编号 {id}）相同，同一人不能登记两次，请核对。",
    "duplicate_uscc": "统一社会信用代码与企业“{name}”（编号 {id}）相同，请核对是否重复登记。",
    "remove_referenced": "{kind}“{name}”（编号 {id}）仍被引用：{uses}。请先处理这些记录，或加 --force 将其停用（保留历史）。",
    "nothing_to_edit": "没有给出要修改的内容，请至少写一个选项（见 --help）。",
    "already_retired": "{kind}“{name}”（编号 {id}）已经停用。",
    # --- notes (not errors) ----------------------------------------------------------------
    "note_area_code": "提示：身份证号码 {value} 的地区码 {area} 不在行政区划代码表中（请核对是否抄错），校验位正确，已按有效号码接受。",
    "note_open_problems": "提示：{name}还负责 {count} 个未办结的问题（编号 {ids}），请改派他人，如 sanlian problem edit {first} --owner 新责任人。",
    "note_section_cadres": "提示：{name}还有 {count} 名在册干部，请用 sanlian cadre edit 姓名 --section 新科室 调整。",
    "db_foreign": "{path} 是别的程序的 SQLite 数据库（其中有表 {tables}），不是 sanlian 数据库，未做任何修改；请检查所给的数据库路径，新建台账请换一个文件名。",
    "report_docx_exists": "文件 {path} 已存在（可能已在 Word 中修改过），未覆盖；请换一个文件名（如 -o {other}），或加 --force 覆盖它。",
    "template_exists": "文件 {path} 已存在（可能是已填写的模板），未覆盖；请换一个文件名（如 -o 新模板.xlsx），或加 --force 覆盖它。",
    "report_brief_year": "简报期间 {start} 至 {end} 的结束日期不在已有的活动年度内（已有：{years} 年）；请把 --from、--to 写在已有年度之内，或先 sanlian init --year {year} 建立该年度。",
    "db_not_database": "{path} 不是 sanlian 数据库文件（可能是别的文件或已损坏），请检查 --db 或 SANLIAN_DB 指向的路径。",
    "output_is_folder": "{path} 是一个文件夹，请在后面写上文件名，如 {path}/结果.xlsx。",
    "undo_nothing": "没有可以撤销的修改（撤销只针对修改记录；已撤销的、撤销本身和查看号码的记录不算）。",
    "undo_legacy": "最近一次修改（变更日志第 {id} 条：{summary}）是旧版本记下的，没有逐项的变更内容，无法撤销；如需回退请用 sanlian db restore 恢复备份。",
    "undo_unrecorded": "变更日志第 {id} 条（{summary}）有未逐项记下的修改，无法撤销；如需回退请用 sanlian db restore 恢复备份。",
    "undo_conflict": "无法撤销：{what}在这次修改之后又被改动过（或已不存在），撤销会覆盖后来的修改；请先用 sanlian history 核对。",
    "undo_confirm": "将撤销变更日志第 {id} 条：{at} {operator}：{summary}。确定吗？",
    "undo_moved": "询问期间有新的修改（变更日志第 {id} 条：{summary}），这次没有撤销；请重新运行 sanlian undo。",
    "undo_done": "已撤销：{summary}。",
    "history_record_ref_missing": "--record “{value}”后面缺少名称或编号，请写成如 {value}张伟 或 {value}12。",
    "history_record_kind": "--record 的类别“{value}”不认识，请写成 类别:名称或编号，类别可用：{kinds}（如 cadre:张伟、visit:12）。",
    "purged": "已清除{kind}“{name}”（编号 {id}）的个人信息（{fields}），包括变更日志中的原值；此前的备份文件中仍保留原值。",
    "purge_kind": "{kind}没有登记个人信息，不能用 --purge（它用于干部、联系户，以及社区(村)、企业的联系人）。",
    "added": "已添加{kind}“{name}”，编号 {id}。",
    "edited": "已修改{kind}“{name}”（编号 {id}）。",
    "edit_unchanged": "没有修改：{what}的各项与原来相同，未写入变更日志。",
    "removed": "已删除{kind}“{name}”（编号 {id}）。",
    "retired": "已停用{kind}“{name}”（编号 {id}），历史记录保留。",
    "init_done": "已建立 {year} 年“三联三解三促”活动（{unit}），数据库：{path}。",
    "campaign_updated": "已更新 {year} 年活动设置。",
    "campaign_unchanged": "没有修改：{year} 年活动设置的各项与原来相同，未写入变更日志。",
    "written_to": "已写入 {path}。",
    "output_suffix": "输出文件的后缀“{suffix}”不支持，请改用 {allowed} 之一。",
    "output_format_suffix": "-f {fmt} 与输出文件“{name}”的后缀 {suffix} 不符：要写 {suffix} 文件请去掉 -f {fmt}，要 {fmt} 格式请把文件名改为以 {fits} 结尾。",
    "output_folder": "输出文件夹 {folder} 不存在，请先建好文件夹或换一个路径。",
    "db_not_file": "数据库 {location} 不是本地文件，请用数据库服务器自己的工具备份和恢复。",
    "backup_exists": "备份文件 {path} 已存在，为免覆盖请换一个文件名或指定一个文件夹。",
    "backup_done": "已备份到 {path}。",
    "restore_not_backup": "{path} 不是完好的 sanlian 数据库备份，请检查文件名，未做任何修改。",
    "restore_confirm": "将用备份替换数据库 {path}（原库另存一份），确定吗？",
    "restore_done": "已用 {source} 恢复数据库 {path}；原数据库另存为 {kept}。",
    # --- backups, restore and faults (issue 6) ------------------------------------------------
    "db_is_dir": "{path} 是一个文件夹，不是数据库文件，请在 --db 或 SANLIAN_DB 中写到文件名（如 {path}/sanlian.db）。",
    "db_full": "磁盘已满（或数据库已达到大小上限），数据库 {path} 未做任何修改；请清理磁盘空间后重试。",
    "db_readonly": "数据库 {path} 是只读的（没有写入权限），未做任何修改；请检查文件及所在文件夹的权限，或请管理员开放写入。",
    "db_cannot_open": "无法打开数据库 {path}：文件或所在文件夹不存在，或没有访问权限；请检查路径与权限。",
    "db_io_error": "读写数据库 {path} 时磁盘出错，未做任何修改；请检查磁盘或 U 盘是否已拔出后重试。",
    "check_damaged": "文件已损坏（{reason}）",
    "check_unreadable": "无法读取，文件可能已损坏（{reason}）",
    "check_orphan": "{table}（编号 {row}）引用的{parent}不存在",
    "check_integrity": "文件已损坏（完整性检查发现{count}处问题）",
    "db_corrupt": "数据库 {path} 已损坏，未做任何修改；请用 sanlian db backups 找到较早的备份，再用 sanlian db restore 恢复。",
    "fs_denied": "没有权限写入 {path}，未做任何修改；请检查文件和文件夹的权限，或换一个位置。",
    "disk_full": "磁盘已满，无法写入 {path}，未做任何修改；请清理磁盘空间后重试。",
    "fs_error": "无法读写 {path}（{reason}），未做任何修改；请检查路径与权限。",
    "backup_disk_full": "磁盘已满，无法写入备份 {path}，未留下不完整的备份，数据库未做修改；请清理磁盘空间后重试。",
    "backup_not_folder": "{path} 是一个文件，不是文件夹，备份不能存到它里面，数据库未做修改；请换一个文件夹或文件名。",
    "backup_failed": "备份到 {path} 失败（{reason}），数据库未做修改；请检查路径与权限后重试。",
    "db_backup_server": "数据库 {location} 在数据库服务器上，请用 pg_dump 备份、用 pg_restore 或 psql 恢复（sanlian 只备份本地 SQLite 文件）。",
    "backups_none": "还没有备份；备份文件夹是 {folder}。用 sanlian db backup 备份一份。",
    "restore_missing": "备份文件 {path} 不存在，请检查文件名，未做任何修改。",
    "restore_is_dir": "{path} 是一个文件夹，不是备份文件，未做任何修改；请写出其中的 .db 备份文件名（sanlian db backups 列出数据库旁的备份）。",
    "restore_not_sqlite": "{path} 不是 SQLite 数据库文件，不能用来恢复，未做任何修改；请选择 sanlian db backup 生成的 .db 文件。",
    "restore_corrupt": "{path} 已损坏（完整性检查未通过：{detail}），不能用来恢复，未做任何修改；请换一份较早的备份。",
    "restore_foreign_keys": "{path} 中有引用不存在记录的数据（引用检查未通过），不能用来恢复，未做任何修改；请换一份备份。",
    "restore_not_sanlian": "{path} 是 SQLite 文件，但不是 sanlian 数据库，不能用来恢复，未做任何修改；请选择 sanlian 的备份文件。",
    "restore_newer": "{path} 由更新版本的 sanlian 建立（结构版本 {found}，本程序支持到 {known}），不能用来恢复，未做任何修改；请先升级 sanlian。",
    "import_backup": "导入前已自动备份数据库到 {path}。",
    "restore_same": "{path} 就是当前数据库本身，无需恢复。",
    "demo_no_samples": "找不到示例数据文件夹 {path}，请在 sanlian 源码目录下运行 sanlian demo。",
    "demo_not_ours": "{path} 已存在且不是演示数据库，为免覆盖正式数据，请换一个 --db 路径。",
    # --- issue 3 ---------------------------------------------------------------------------
    # links
    "link_section_or_bureau": "请用 --section 写明联系该社区(村)的科室，或用 --bureau 表示由局机关直接联系（二者选一）。",
    "link_duplicate": "{left}与{right}已有有效的联系（联系编号 {id}，自 {start} 起），不能重复建立；如需重新建立，请先运行 sanlian link end {id}。",
    "link_not_leader": "干部“{name}”（编号 {id}）不是领导班子成员，不能联系企业；如确属班子成员，请先运行 sanlian cadre edit {id} --leader。",
    "link_enterprise_limit": "领导“{name}”已联系 {count} 家企业：{names}；每名班子成员同时最多联系 {limit} 家，请先用“sanlian link end 联系编号”结束其中一个。",
    "link_household_too_early": "联系户“{household}”所在的{community}与{section}或局机关的联系自 {since} 起，{date} 时还没有建立，不能从这天结对；请把结对开始日期改为 {since} 或以后。",
    "link_household_unlinked": "联系户“{household}”所在的{community}在 {date} 没有与干部“{cadre}”所在的{section}或局机关建立联系，不能结对；请先运行 sanlian link community --section {section} --community {community_ref}。",
    "import_link_enterprise_limit": "领导“{name}”已联系 {count} 家企业：{names}；每名班子成员同时最多联系 {limit} 家，请删去文件中多余的行（已有的联系可用“sanlian link end 联系编号”结束）。",
    "import_link_pairs_limit": "干部“{name}”已与{households}结对，按活动规则每名干部同时只能结对 {limit} 户；请删去文件中多余的行（已有的结对可用“sanlian link end 联系编号”结束），或用“sanlian campaign set --pairs”放宽上限。",
    "link_pairs_limit": "干部“{name}”已与{households}结对，按活动规则每名干部同时只能结对 {limit} 户；请先运行“sanlian link end {ids}”结束原结对，或用“sanlian campaign set --pairs”放宽上限。",
    "link_not_found": "没有编号为 {id} 的联系记录，请用 sanlian link list --all 查看编号。",
    "cadre_unleader_linked": "干部“{name}”（编号 {id}）仍联系 {count} 家企业：{names}；只有领导班子成员才能联系企业，请先用“sanlian link end 联系编号”（如 sanlian link end {first}）结束这些联系，再取消领导班子成员。",
    "remove_pairs_left": "停用{kind}“{name}”会结束联系 {id}，此后仍有 {count} 对结对在此社区(村)继续：{pairs}；结对户所在社区(村)须由干部所在科室或局机关联系，请先用“sanlian link end 联系编号 --date {end}”（如 sanlian link end {first} --date {end}）结束这些结对，再停用。",
    "link_end_pairs_left": "联系 {id} 结束后，仍有 {count} 对结对在此社区(村)继续：{pairs}；结对户所在社区(村)须由干部所在科室或局机关联系，请先用“sanlian link end 联系编号 --date {end}”（如 sanlian link end {first} --date {end}）结束这些结对，再结束联系 {id}。",
    "cadre_move_pairs": "干部“{name}”（编号 {id}）调到{section}后，其结对户{pairs}所在社区(村)不由{section}或局机关联系（结对户须在干部所在科室联系的社区(村)内）；请先用“sanlian link end 联系编号”（如 sanlian link end {first}）结束这些结对，或先运行 sanlian link community --section {section} --community {community_ref}，再调整科室。",
    "household_move_pairs": "联系户“{name}”（编号 {id}）改到{community}后，与其结对的干部{pairs}所在科室和局机关都不联系{community}；请先用“sanlian link end 联系编号”（如 sanlian link end {first}）结束这些结对，或先用 sanlian link community 为这些干部所在科室建立与{community}的联系，再修改所在社区(村)。",
    "link_already_ended": "联系 {id} 已于 {end} 结束，不能再次结束。",
    "link_end_before_start": "“结束日期”{end} 早于该联系的开始日期 {start}，请写 {start} 或以后的日期。",
    "link_added": "已建立联系 {id}：{who} — {whom}（自 {start} 起）。",
    "link_ended": "已结束联系 {id}：{who} — {whom}（至 {end}），历史记录保留。",
    # targets, visits
    "date_in_future": "“{field}”{value} 晚于今天（{today}）：只能登记已经发生的事，请改为 {today} 或以前的日期。",
    "list_range_order": "“开始日期”（--from）{start} 晚于“结束日期”（--to）{end}，这样查不到任何记录；请调换或改正。",
    "date_outside_campaign_year": "“{field}”{value} 不在 {year} 年活动的期间内（{start} 至 {end}），请核对日期；如活动实际上在这一天已经开展，请用 sanlian campaign set --year {year} --phase {phase} {edge} {value} 调整阶段日期。",
    "date_outside_campaigns": "“{field}”{value} 不在任何活动年度的期间内（{spans}），请核对日期，或先用 sanlian init --year 建立该年度。",
    "target_required": "请写明{what}：--community、--enterprise、--household 三者之一。",
    "target_many": "{what}只能写一个（--community、--enterprise、--household 三者之一），现在写了 {count} 个，请分开登记。",
    "problem_same": "提示：{date} {target}提出的同一类别、同样内容的问题已有记录（问题编号 {ids}），这一件（编号 {id}）与它相同；如是重复录入，请马上用 sanlian undo 撤销这次登记。",
    "activity_same": "提示：{date} 同一类型、同一名称的活动已有记录（活动编号 {ids}），这一条（编号 {id}）与它相同；如是重复录入，请用 sanlian activity remove {id} 删除。",
    "visit_same_day": "提示：{date} {cadres}走访{target}已有记录（走访编号 {ids}），这一条（编号 {id}）与它各项都相同；如是重复录入，请用 sanlian visit remove {id} 删除。",
    "import_visit_other_form": "提示：同一天、同一对象、同样的干部已有走访 {id}（{old}），本行是{new}，算作另一次走访。如果本行是要改正走访 {id} 的形式，请从文件中删去本行，改用 sanlian visit edit {id} --form {new}；已经导入的，再用 sanlian visit remove 删去新增的那一次。",
    "research_twice": "干部“{cadre}”已有题为《{title}》的调研报告（编号 {id}，{date}），同一篇不必再登记；如是另一篇，请写明不同的题目；如原记录的日期有误，请先用 sanlian research remove {id} 删除再登记。",
    "visit_unlinked": "提示：干部“{cadre}”在 {date} 没有与{target}建立联系（不影响登记这次走访）；如属联系或结对关系，请用 sanlian link 补登。",
    "visit_not_found": "没有编号为 {id} 的走访记录，请用 sanlian visit list 查看编号。",
    "visit_problems_target": "走访 {id} 中提出了问题 {problems}，它们的对象是这次走访的对象，不能把走访对象改成别的；如登记错了对象，请先删除这次走访（visit remove {id} --force，问题保留但不再关联它），再按正确的对象重新登记。",
    "visit_problems_before": "走访 {id} 中提出的问题 {problems} 最早在 {raised} 提出，走访日期不能改到其后的 {date}；请改为 {raised} 或以前的日期。",
    "visit_referenced": "走访 {id} 是问题 {problems} 的来源，不能删除；如确需删除，请加 --force（这些问题保留，但不再关联该走访）。",
    "visit_added": "已登记走访 {id}：{date} {cadres} → {target}。",
    "visit_edited": "已修改走访 {id}。",
    "visit_removed": "已删除走访 {id}（{date} → {target}）。",
    # problems
    "problem_category": "“问题类别”“{value}”不适用于{kind}的问题，请填写以下之一：{choices}。",
    "problem_visit_target": "走访 {visit} 的对象是{visit_target}，与所写的问题对象{target}不一致；请去掉对象选项，或改正走访编号。",
    "problem_before_visit": "“提出日期”{date} 早于所依据的走访 {visit} 的日期 {visit_date}，请改为 {visit_date} 或以后。",
    "problem_due_before_raised": "“办理期限”{due} 早于提出日期 {raised}，请改正。",
    "problem_not_yet_raised": "问题 {id} 是在 {day} 以后才提出的，那天还没有这个问题；请把 --as-of 改为提出日期或以后，或去掉它。",
    "problem_not_found": "没有编号为 {id} 的问题，请用 sanlian problem list 查看编号。",
    "problem_transition": "问题 {id} 现在是“{status}”，不能{action}；{hint}",
    "problem_hint_open": "它还没有办结，请用 sanlian problem progress、resolve 或 close 登记。",
    "problem_hint_reopen": "如需继续办理，请先运行 sanlian problem reopen {id} --reason 原因。",
    "problem_step_before_raise": "“{field}”{date} 早于问题 {id} 的提出日期 {raised}，请改为 {raised} 或以后。",
    "problem_step_before_last": "“{field}”{date} 早于问题 {id} 上一步的日期 {last}，办理过程须按先后登记，请改为 {last} 或以后。",
    "problem_extend_not_later": "新的办理期限 {due} 应晚于现在的期限 {current}，请改正。",
    "problem_added": "已登记问题 {id}（{target}，{category}），办理期限 {due}。",
    "problem_stepped": "问题 {id} 已{action}，当前状态：{status}。",
    "problem_reopened_overdue": "提示：问题 {id} 的办理期限 {due} 已过，重新办理后即算超期（调度督促中亮牌）；如需新的期限，请运行 sanlian problem extend {id} --due 日期 --reason 原因。",
    "problem_money_again": "提示：问题 {id} 此前解决时已记金额 {amount} 元，本次金额将另行累计；如是同一笔钱，请不要重复填写。",
    "problem_owner_changed": "责任人由“{old}”改为“{new}”",
    "problem_owner_set": "指定责任人“{new}”",
    "problem_owner_retired": "干部“{name}”（编号 {id}）已停用，不能担任问题的责任人；请另选一名在册干部（见 sanlian cadre list）。",
    "problem_owner_finished": "提示：问题 {id} 已是“{status}”，更换责任人不写入办理过程（以免改变办理状态），只记入操作日志。",
    "problem_edited": "已修改问题 {id}：{changes}。",
    # activities, research
    "note_no_campaign_year": "提示：{year} 年没有建立活动年度（已有：{years}），这条 {date} 的记录不计入任何年度的统计；如日期写错，请用 sanlian {noun} remove {id} 删除后重新登记。",
    "activity_partner_ambiguous": "“{ref}”既可指社区(村){community}，也可指企业{enterprise}；请写成“社区:{ref}”或“企业:{ref}”。",
    "activity_partner_not_found": "找不到社区(村)或企业“{ref}”，请用 sanlian community list 或 sanlian enterprise list 查看后重试。",
    "activity_not_found": "没有编号为 {id} 的活动记录，请用 sanlian activity list 查看编号。",
    "activity_org_life_late": "提示：组织生活日期 {date} 已在 {year} 年 7 月 1 日或以后，实施意见要求在七一前夕开展；已照常登记。",
    "activity_civility_enterprise": "文明行动进社区的对象（--partner）应是社区(村)，“{name}”是企业；请写所进的社区(村)名称，或不写 --partner。",
    "activity_org_life_no_partner": "提示：没有写明共同过组织生活的社区、村或企业（--partner）；已照常登记。",
    "activity_partner_unlinked": "提示：{partner}在 {date} 没有与参加干部、其所在科室或局机关建立联系；已照常登记。",
    "activity_added": "已登记活动 {id}：{date} {kind}。",
    "activity_removed": "已删除活动 {id}（{date} {kind}）。",
    "research_not_found": "没有编号为 {id} 的调研报告，请用 sanlian research list 查看编号。",
    "research_added": "已登记调研报告 {id}：{cadre}《{title}》。",
    "research_removed": "已删除调研报告 {id}《{title}》。",
    # --- issue 4 ---------------------------------------------------------------------------
    # reports: errors
    "report_suffix": "不能写成“{suffix}”文件，{command} 可写：{choices}；请改用这些后缀之一。",
    "report_period_order": "“开始日期”{start} 晚于“结束日期”{end}，请调换或改正。",
    "report_brief_no": "“期号”应为正整数，现在是“{value}”，请改正。",
    # reports: supervision lines
    "sv_nothing": "没有需要督促的事项。",
    "sv_summary": "共 {total} 项：{parts}。",
    "sv_screen_more": "……另有 {count} 项未列出。",
    "sv_screen_note": "屏幕上每个科室和领导小组办公室只列出最急的 {limit} 项；要看全部 {total} 项，请加 -o 调度督促.xlsx 写入文件（可筛选、排序），或加 -f plain 全部列出。",
    "sv_no_owner": "待指定责任人",
    "sv_owner_retired": "{name}（已停用，待改派）",
    "sv_overdue": "问题 {id} 超期 {days} 天（{due}到期）：{subject}",
    "sv_overdue_quiet": "，{days} 天无进展",
    "sv_stale": "问题 {id} 已 {days} 天无进展：{subject}",
    "sv_leader_no_enterprise": "领导班子成员尚未联系企业（应联系 1—3 家）",
    "sv_no_household": "尚未与群众结成帮扶对子",
    "sv_household_ended": "帮扶对子已在本年度内结束，目前没有结对户",
    "sv_leader_enterprise_ended": "领导班子成员联系企业已在本年度内结束，目前没有联系企业（应联系 1—3 家）",
    "sv_section_no_community": "本科室和局机关都没有联系社区(村)，科室干部无法结对（结对户须在其中）；请用 sanlian link community --section {section} --community 社区名 建立联系",
    "sv_no_visit": "已 {quiet} 天没有走访（最近一次 {last}，应每 {days} 天至少走访一次）",
    "sv_no_visit_year": "本年度还没有走访记录（应每 {days} 天至少走访一次）",
    "sv_enterprise_unvisited": "联系企业{name}本年度尚未走访",
    "sv_community_unvisited": "联系社区(村){name}本年度还没有以社区(村)为对象的走访（入户走访联系户不计）",
    "sv_household_unvisited": "联系户{name}（{community}）结对后本年度尚未走访",
    "sv_research_due": "总结阶段已于 {start} 开始，尚未撰写调研报告",
    "sv_research_warn": "尚未撰写调研报告，距总结阶段（{start}）还有 {days} 天",
    "sv_org_life_missed": "七一前未与联系社区(村)或企业共同过组织生活（“八个一”第 2 项），请说明原因并尽快开展",
    "sv_org_life_soon": "距七一还有 {days} 天，尚未与联系社区(村)或企业共同过组织生活",
    "sv_phase_item": "{phase}已结束，“{item}”尚未完成（{record}）",
    "sv_eight_one": "“八个一”之“{item}”尚未完成：{record}",
    "brief_lags_as_of": "截至今天（{date}），",
    "brief_lags_omitted": "另有 {count} 项（{parts}）未列出，详见 sanlian supervise --as-of {as_of}。",
    "brief_lags_omitted_doc": "另有 {count} 项（{parts}）未列出。",
    # --- issue 5 ---------------------------------------------------------------------------
    "import_file_missing": "找不到文件 {path}，请检查路径和文件名。",
    "import_file_is_dir": "{path} 是一个文件夹，不是文件；请写出文件夹中要导入的 .xlsx 或 .csv 文件名。",
    "import_worker_lost": "检查数据的子进程意外退出，本次导入没有写入任何内容，请重新导入。",
    "import_suffix": "不能导入“{suffix}”文件，请导入 .xlsx（或 .xls）或 .csv 文件；其他格式（如 WPS 的 .et）请先在 Excel 或 WPS 中另存为 .xlsx。",
    "import_password": "工作簿 {path} 设有打开密码，请在 Excel 中取消密码后另存，再导入。",
    "import_lock_file": "文件 {path} 是 Excel（或 WPS）打开工作簿时在旁边生成的临时文件（文件名以 ~$ 开头），不含数据；请导入同一文件夹中的原工作簿（如仍在 Excel 中打开，先保存并关闭）。",
    "import_xls_html": "文件 {path} 的后缀是 .xls，其实是网页（HTML/XML）格式，常见于从网上系统“导出 Excel”；请在 Excel 或 WPS 中打开它，“另存为”Excel 工作簿（.xlsx），再重新导入。",
    "import_unreadable": "文件 {path} 不是可读取的 Excel 工作簿（可能已损坏，或只是改了后缀名的其他文件）；请在 Excel 或 WPS 中打开它，“另存为”Excel 工作簿（.xlsx），再重新导入。",
    "import_read_failed": "无法打开文件 {path}（可能没有读取权限，或正被其他程序占用），请关闭占用它的程序或检查权限后重试。",
    "export_write_failed": "无法写入文件 {path}（可能正在 Excel 中打开，或没有写入权限），请关闭该文件或换一个路径后重试。",
    "import_csv_reason_large": "有一个单元格超过 1600 万字",
    "import_csv_reason_nul": "含有空字符，可能不是文本文件",
    "import_csv_reason_other": "引号或分隔符不成对",
    "import_sheet_csv": "“{path}”是文本（CSV）文件，只有一张表，没有工作表“{sheet}”；导入它请去掉 --sheet，要导入工作簿中的这张表请写工作簿（.xlsx）的文件名。",
    "import_sheet_missing": "工作簿中没有名为“{sheet}”的工作表，现有：{sheets}。请用 --sheet 指定其中之一（也可写第几张，如 --sheet 2）。",
    "import_empty": "文件 {path} 中没有任何数据，请检查是否选对了文件或工作表（--sheet）。",
    "import_encoding": "文件 {path} 第 {line} 行附近的文字无法按 {encoding} 编码读出，请用 --encoding 指定正确编码（如 gb18030 或 utf-8），或在 Excel 中另存为“CSV UTF-8”。",
    "import_encoding_unknown_file": "认不出文件 {path} 的文字编码，请用 --encoding 指定（如 gb18030 或 utf-8），或在 Excel 中另存为“CSV UTF-8”。",
    "import_encoding_name": "不认识的编码“{encoding}”，请写 utf-8、gb18030、gbk 或 utf-16 等。",
    "import_csv_error": "文件 {path} 第 {line} 行无法按 CSV 读取（{reason}），请在 Excel 中打开后重新另存为 CSV。",
    "import_no_header": "在文件前 {rows} 行中找不到表头：表头应含有 {examples} 等列名。请检查文件，或用 --map 列名=字段 说明各列。",
    "import_no_header_sheets": "在工作表“{sheet}”的前 {rows} 行中找不到表头（应含有 {examples} 等列名）；工作簿中还有工作表 {others}，请用 --sheet 指定数据所在的一张，如 --sheet {first}。",
    "import_other_sheets": "提示：本次只导入了工作表“{sheet}”；工作簿中的工作表{others}也有同样的表头，没有导入。如需导入，请逐张加 --sheet 再导入，如 sanlian {kind} import {file} --sheet {first}。",
    "import_header_only": "文件 {path} 第 {line} 行是表头，其下没有要导入的数据（空行和只填了不认识的列的行不算），未导入任何{kind}；请在表头下填写数据，或检查是否选对了{where}。",
    "import_header_only_sheets": "工作表“{sheet}”只有表头，其下没有要导入的数据，未导入任何{kind}；工作簿中的工作表 {others} 有同样的表头，请用 --sheet 指定数据所在的一张，如 --sheet {first}。",
    "import_example_only": "文件 {path} 中只有模板第 {line} 行的示例，没有要导入的数据，未导入任何{kind}；请在示例行下面（或直接改写示例行）填写数据后再导入。",
    "import_empty_sheets": "工作表“{sheet}”中没有任何数据；工作簿中还有工作表 {others}，请用 --sheet 指定数据所在的一张，如 --sheet {first}。",
    "import_missing_column": "文件缺少必填列“{column}”（也可写作：{aliases}），请在表头补上该列，或用 --map 列名={column} 指明哪一列是它；未导入任何{kind}。",
    "import_missing_column_error": "文件缺少必填列“{column}”，而表头（第 {line} 行）{letter} 列是 Excel 的错误值 {value}（公式出错），不是列名；若这一列就是“{column}”，请在 Excel 中把这一格改写成“{column}”，然后重新导入；未导入任何{kind}。",
    "import_duplicate_column": "“{first}”和“{second}”两列都对应“{field}”，请删去一列，或用 --map 列名=忽略 指明不用哪一列。",
    "import_map_invalid": "--map “{value}”的写法不对，请写成 列名=字段，如 --map 工作部门=科室（不导入某列可写 --map 列名=忽略）。",
    "import_map_field": "--map 中的字段“{field}”不认识，{kind}可用的字段：{choices}。",
    "import_kind_unsupported": "不能导入“{kind}”，可导入：{kinds}。",
    "import_excel_error": "“{field}”一格是 Excel 的错误值 {value}（公式出错或查找不到），读不到应有的内容；请在 Excel 中改正公式或直接填写这一格，然后重新导入。",
    "import_scientific": "“{field}”“{value}”是 Excel 的科学计数法，后几位数字已经丢失；请在 Excel 中把这一列设为“文本”格式，再重新录入完整号码。",
    "import_duplicate_row": "与第 {line} 行是同一{kind}，一个文件中只能出现一次；请合并这两行或删去一行。",
    "import_ambiguous": "与多条已登记的{kind}都对得上：{candidates}；请补填{hint}以区分（或用导出文件中的“台账编号”）。",
    "import_record_invalid": "“台账编号”“{value}”不是记录编号：这一列由导出生成，应为数字；新增的行请留空。",
    "import_record_missing": "“台账编号”{id} 在台账中找不到对应的{kind}：这一列由导出生成，新增的行请留空，从别处复制来的编号请删去。",
    "import_record_retired": "“台账编号”{id} 的{kind}“{name}”已停用，不能再导入修改；请删去这一行，或清空台账编号作为新记录登记。",
    "import_record_fixed": "“台账编号”{id} 的{kind}是“{current}”，本行的{fields}与它不同，而{fields}不能通过导入修改；请改回原样，或清空台账编号作为新记录导入。",
    "import_number_other_name": "这个{field}已登记为{kind}“{current}”（编号 {id}），本行的姓名却是“{name}”，可能是号码抄错了行；请核对，确是同一人改名请用 {command} edit {id} --name {name}。",
    "import_record_other": "“台账编号”{id} 是{kind}“{current}”，本行却是“{name}”{differs}，不像同一条记录（这份文件可能导出自另一个台账库，或编号抄错了行）；请核对这一列，作为新记录导入请清空它，确要改名请用 {command} edit {id} --name {name}。",
    "import_record_other_strong": "，{field}也不同",
    "import_date_dotted": "“{field}”“{value}”分不清是 {month}月{day}日 还是 {month}月{day}0日（Excel 把 {month}.{day}0 当作数字，存成 {value}）；请写成 {month}月{day}日 或 {month}月{day}0日 这样的写法（或把这一列设为“文本”格式后重新录入）。",
    "import_date_serial": "“{field}”“{value}”是一个数字，像是 Excel 把日期存成了序号，但它不在 20000–80000 之间（1954 至 2119 年），不能当作日期；请把该列设为“日期”格式后重新录入，或写成 2026-06-03。",
    "import_more_similar": "……另有 {count} 条同类提示未列出。",
    "import_row_note": "第 {line} 行：{note}",
    "import_nameless_columns": "提示：表头中{where}没有列名，其下的数据未导入；如需导入，请在表头填上列名（如 手机号码）。",
    "import_problem_status_left": "问题 {id} 的“状态”写为“{status}”，导入不改变办理状态（仍为“{current}”）：办理进展和结果请用 sanlian problem progress / resolve / close {id} 逐件登记（日期、情况、措施、资金）。",
    "import_problem_status_new": "新登记的问题 {id} 的“状态”写为“{status}”，导入只登记问题本身（状态为“{current}”）：办理进展和结果请用 sanlian problem progress / resolve / close {id} 逐件登记（日期、情况、措施、资金）。",
    "import_unknown_columns": "提示：以下列不认识（或与另一列重复），未导入：{columns}。如需导入，请用 --map 列名=字段 指明（可用字段：{choices}）。",
    "import_example_skipped": "提示：第 {line} 行是模板中的示例，已跳过。",
    "import_more_notes": "……另有 {count} 条提示未列出。",
    "import_bad_rows": "{count} 行不合格（见上表），未导入任何数据。请改正后重新导入，或加 --skip-bad 只导入合格的行。",
    "import_bad_rows_same": "{count} 行不合格（见上表），未导入任何数据；其余 {same} 行与已登记的相同，无需导入。请改正不合格的行后重新导入（加 --skip-bad 可把不合格的行另存为错误行文件）。",
    "import_bad_listed_same": "不合格的 {count} 行见上表；其余 {same} 行与已登记的相同，无需导入；请改正不合格的行后再导入。",
    "import_all_bad": "文件中没有合格的行（不合格 {count} 行），未导入任何数据；请按错误原因改正后重新导入。",
    "import_bad_saved": "不合格的 {count} 行已另存为 {path}（含“错误原因”列），请改正后发回再导入。",
    "import_bad_listed": "不合格的 {count} 行见上表；去掉 --dry-run 并加 --skip-bad 可只导入合格的行。",
    "import_bad_listed_skip": "不合格的 {count} 行见上表；去掉 --dry-run 即只导入合格的行，不合格的行另存为错误行文件。",
    "import_bad_write_failed": "无法在导入文件旁写出错误行文件 {path}（文件夹只读、没有权限，或同名文件正在 Excel 中打开），未导入任何数据；请关闭该文件，或把导入文件复制到可写的文件夹（如桌面）后再导入。",
    "import_summary": "{kind}：新增 {added}，更新 {updated}，未变 {unchanged}{bad}。",
    "import_summary_bad": "，不合格 {bad}",
    "import_dry_run": "试运行，未写入任何数据：",
    "import_speed": "共读取 {rows} 行，用时 {seconds:.1f} 秒，每秒 {rate:,.0f} 行。",
    "import_journal": "从 {file} 导入{kind}：新增 {added}，更新 {updated}，未变 {unchanged}{bad}",
    "export_suffix": "导出文件应以 .xlsx 或 .csv 结尾，现在是“{suffix}”，请改用这两种后缀之一。",
    "template_suffix": "导入模板只能写成 .xlsx 文件，现在的后缀是“{suffix}”，请把文件名改为以 .xlsx 结尾。",
    "export_kind_unknown": "不认识的类别“{kind}”，可选：{kinds}。",
    "export_done": "已导出{kind} {count} 条到 {path}。",
    "export_text_numbers": "提示：文字栏（如民情日记、需求、备注）中写下的身份证号码、手机号码照原样导出（以便改后再导入），文件已设为仅本人可读，请妥善保管。",
    "export_text_numbers_masked": "提示：文字栏（如民情日记、需求、备注）中写下的身份证号码、手机号码在屏幕上已遮蔽；导出到文件（-o 文件.xlsx 或 .csv）时照原样写出，以便改后再导入。",
    "export_text_numbers_piped": "提示：文字栏（如民情日记、需求、备注）中写下的身份证号码、手机号码照原样输出（以便改后再导入），请妥善保管输出的文件，只给需要的人。",
    "export_hidden": "提示：{columns}未导出（个人信息默认不外传）；如确需完整号码，请加 --reveal 并妥善保管文件。",
    "template_done": "已写入{kind}导入模板 {path}：第 1 行是表头，第 2 行是示例（导入时自动跳过），说明见“说明”工作表。",
    "template_kind_unsupported": "“{kind}”没有导入模板，可选：{kinds}。",
    "import_one_cadre": "“{field}”只能写一名领导班子成员，现在写了 {count} 名；联系多家企业或多名领导请分行填写。",
    "import_ambiguous_visit": "同一天、同一对象、同一批干部、同一形式已有 {count} 次内容不同的走访，无法确定对应哪一次；请用 sanlian visit edit 逐条修改。",
    "import_problem_due": "问题 {id} 的办理期限是 {current}，与文件中的 {due} 不同；延期请用 sanlian problem extend {id} --due {due} --reason 原因。",
}


# Characters that do not show, named where a value is quoted in a sentence; any other control,
# format or line-separator character is named by its code point (``readable``).
_NAMED = {
    "\u3000": "［全角空格］",
    "\t": "［制表符］",
    "\ufeff": "［BOM］",
    "\xa0": "［不换行空格］",
    "\n": "［换行］",
    "\r": "［回车］",
}


def readable(text: str) -> str:
    """``text`` as it is quoted in a sentence: on one line, every character seen. A line break
    (``\\r\\n`` counting once), a tab, a control character (an escape sequence would colour
    or move the terminal's text) or one that does not show is named instead of written, so a
    value typed or read from a file never breaks the sentence that quotes it."""
    if text.isprintable():  # the usual value (a space is printable, a full-width one is not)
        return text
    import unicodedata

    out = []
    for ch in text.replace("\r\n", "\n"):
        if ch in _NAMED:
            out.append(_NAMED[ch])
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(f"［U+{ord(ch):04X}］")
        else:
            out.append(ch)
    return "".join(out)


# What the operating system said, in the clerk's words (errno's name → reason)
OS_REASONS = {
    "ENOENT": "文件或文件夹不存在",
    "ENOTDIR": "路径中有一段是文件而不是文件夹",
    "EISDIR": "这是一个文件夹，不是文件",
    "EEXIST": "同名的文件已存在",
    "ENAMETOOLONG": "文件名或路径太长",
    "EACCES": "没有权限",
    "EPERM": "没有权限",
    "EROFS": "磁盘是只读的",
    "ENOSPC": "磁盘已满",
    "EBUSY": "文件正被其他程序占用",
    "ETXTBSY": "文件正被其他程序占用",
    "EMFILE": "同时打开的文件太多",
    "EIO": "读写磁盘出错",
    "ELOOP": "路径中的快捷方式（符号链接）绕成了圈",
    "EXDEV": "不能跨磁盘移动",
}


# SQLite's own words for a damaged or foreign file, in the clerk's
SQLITE_REASONS = {
    "database disk image is malformed": "SQLite 无法读取其中的数据页",
    "file is not a database": "不是数据库文件，或文件头已损坏",
    "file is encrypted or is not a database": "不是数据库文件，或文件头已损坏",
}


def sqlite_reason(exc: object) -> str:
    """What SQLite said of a file it could not read, in Chinese when it is a common message."""
    text = str(exc).strip()
    return SQLITE_REASONS.get(text.lower(), text)


def os_reason(exc: OSError) -> str:
    """Why ``exc`` happened, in Chinese when its error number is a common one."""
    import errno

    name = errno.errorcode.get(exc.errno) if exc.errno is not None else None
    if name is not None and name in OS_REASONS:
        return OS_REASONS[name]
    return exc.strerror or type(exc).__name__


def some_ids(ids: Any, limit: int = 5) -> str:
    """Record numbers as a sentence lists them: ``1、2、3``, the first ``limit`` then 等."""
    ids = list(ids)
    return "、".join(str(i) for i in ids[:limit]) + ("等" if len(ids) > limit else "")


def render(key: str, **params: Any) -> str:
    """The sentence for ``key`` with ``params`` filled in."""
    template = MESSAGES.get(key)
    if template is None:  # a programming error, never a user's
        raise KeyError(key)
    return template.format(**params)

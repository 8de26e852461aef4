"""The demo brand: master data and logins that ``seed_demo`` creates (api-contract.md fixes the codes and usernames)."""

from decimal import Decimal

REGIONS = [("R01", "华东大区"), ("R02", "华南大区"), ("R03", "华北大区")]

# code, name, region, kind, address, phone
STORES = [
    ("S001", "上海南京东路专卖店", "R01", "own", "上海市黄浦区南京东路 300 号", "021-63210001"),
    ("S002", "杭州湖滨专卖店", "R01", "franchise", "杭州市上城区湖滨路 22 号", "0571-87010002"),
    ("S003", "南京新街口专卖店", "R01", "own", "南京市秦淮区中山南路 1 号", "025-84710003"),
    ("S004", "苏州观前特约维修点", "R01", "repair_point", "苏州市姑苏区观前街 88 号", "0512-65210004"),
    ("S101", "广州天河城专卖店", "R02", "own", "广州市天河区天河路 208 号", "020-85590101"),
    ("S102", "深圳万象城专卖店", "R02", "dealer", "深圳市罗湖区宝安南路 1881 号", "0755-82660102"),
    ("S201", "北京三里屯专卖店", "R03", "own", "北京市朝阳区三里屯路 19 号", "010-64170201"),
    ("S202", "天津滨江道专卖店", "R03", "franchise", "天津市和平区滨江道 168 号", "022-27110202"),
]

# code, name, contact, phone, email
SUPPLIERS = [
    ("SUP01", "广州卡丰制衣有限公司", "陈志强", "020-36780001", "qa@kafeng.example.cn"),
    ("SUP02", "石狮华达服饰有限公司", "林海燕", "0595-88760002", "service@huada.example.cn"),
    ("SUP03", "宁波甬羊针织厂", "王建国", "0574-87650003", "wang@yongyang.example.cn"),
    ("SUP04", "晋江鸿星鞋业有限公司", "许文斌", "0595-85670004", "xu@hongxing.example.cn"),
]

# code, name, quality-return days, change-of-mind days, warranty months, paid repair
CATEGORIES = [
    ("JK", "夹克外套", 15, 7, 12, True),
    ("TS", "T恤衬衫", 15, 7, 6, False),
    ("KZ", "裤装", 15, 7, 12, True),
    ("ZZ", "针织毛衫", 15, 7, 12, True),
    ("XL", "鞋类", 15, 7, 6, True),
]

# style no, name, category, supplier, season, year, unit cost, retail price
STYLES = [
    ("226101JK001", "男士立领夹克", "JK", "SUP01", "spring", 2026, "268.00", "899.00"),
    ("226101JK002", "连帽防风外套", "JK", "SUP01", "autumn", 2026, "312.50", "1099.00"),
    ("225101JK015", "羽绒服", "JK", "SUP02", "winter", 2025, "455.00", "1599.00"),
    ("226201TS003", "印花圆领T恤", "TS", "SUP02", "summer", 2026, "48.00", "199.00"),
    ("226201TS008", "修身牛津纺衬衫", "TS", "SUP01", "spring", 2026, "86.00", "359.00"),
    ("226301KZ004", "弹力牛仔裤", "KZ", "SUP02", "all_year", 2026, "118.00", "459.00"),
    ("225301KZ011", "休闲束脚裤", "KZ", "SUP01", "autumn", 2025, "96.00", "399.00"),
    ("226401ZZ002", "羊毛混纺毛衣", "ZZ", "SUP03", "winter", 2026, "168.00", "699.00"),
    ("225401ZZ006", "针织开衫", "ZZ", "SUP03", "autumn", 2025, "142.00", "599.00"),
    ("226501XL001", "休闲板鞋", "XL", "SUP04", "all_year", 2026, "155.00", "599.00"),
    ("226501XL007", "复古跑鞋", "XL", "SUP04", "spring", 2026, "188.00", "699.00"),
]

# code, Chinese name, English name, category (or None), default responsibility hint
DEFECT_CODES = [
    ("D01", "开线", "Seam opening", None, "supplier"),
    ("D02", "褪色掉色", "Colour fading or bleeding", None, "supplier"),
    ("D03", "起球", "Pilling", None, "supplier"),
    ("D04", "拉链损坏", "Zip failure", None, "supplier"),
    ("D05", "纽扣脱落", "Button came off", None, "supplier"),
    ("D06", "面料破洞", "Hole in fabric", None, "supplier"),
    ("D07", "污渍", "Stain or dirt", None, "store"),
    ("D08", "人为破损", "Human damage", None, "store"),
    ("D09", "缩水变形", "Shrinkage or deformation", None, "supplier"),
    ("D10", "色差", "Colour difference", None, "supplier"),
    ("D11", "洗涤保养不当", "Improper washing or care", None, "customer"),
    ("D12", "鞋底开胶", "Sole separation", "XL", "supplier"),
    ("D13", "印花脱落", "Print peeling", "TS", "supplier"),
]

# part no, name, unit, unit cost, stock, reorder level
SPARE_PARTS = [
    ("P-ZIP-5", "5号金属拉链", "条", Decimal("6.50"), 240, 50),
    ("P-ZIP-3", "3号尼龙拉链", "条", Decimal("2.80"), 35, 40),
    ("P-BTN-18", "18mm 树脂纽扣", "粒", Decimal("0.60"), 1200, 200),
    ("P-SNAP-15", "15mm 四合扣", "套", Decimal("1.20"), 400, 100),
    ("P-THR-40", "40支涤纶缝纫线", "卷", Decimal("4.00"), 90, 20),
    ("P-LIN-01", "里布（米）", "米", Decimal("12.00"), 60, 15),
    ("P-GLUE-01", "鞋用强力胶", "支", Decimal("8.50"), 12, 10),
    ("P-LBL-01", "洗水唛", "个", Decimal("0.30"), 2000, 300),
]

# username, full name, roles, stores, regions, suppliers, superuser
ACCOUNTS = [
    ("store1", "张敏（南京东路店）", ["store_staff"], ["S001"], [], [], False),
    ("store2", "李娜（湖滨店）", ["store_staff"], ["S002"], [], [], False),
    ("store101", "黄伟（天河城店）", ["store_staff"], ["S101"], [], [], False),
    ("region1", "周涛（华东大区）", ["region_manager"], [], ["R01"], [], False),
    ("tech1", "刘洋（售后服务部）", ["technician"], [], [], [], False),
    ("tech2", "赵磊（售后服务部）", ["technician"], [], [], [], False),
    ("hotline1", "孙丽（服务热线）", ["hotline_agent"], [], [], [], False),
    ("qa1", "吴静（QA管理部）", ["qa_manager"], [], [], [], False),
    ("logistics1", "郑斌（物流部经理）", ["logistics_manager"], [], [], [], False),
    ("vp1", "钱国华（生产副总）", ["production_vp"], [], [], [], False),
    ("finance1", "冯晓（财务部）", ["finance"], [], [], [], False),
    ("supplier1", "陈志强（卡丰制衣）", ["supplier_user"], [], [], ["SUP01"], False),
    ("admin", "系统管理员", [], [], [], [], True),
]

# The store's designated after-sales contact (指定对接人).
STORE_CONTACTS = {"S001": "store1", "S002": "store2", "S101": "store101"}

# --- workflow history (``seed_demo`` without ``--no-history``; see ``demo.history``) ---

# Store staff of the stores that have no contract login, so every store's returns are logged by its own staff.
# username, full name, store
HISTORY_STORE_STAFF = [
    ("store3", "王芳（新街口店）", "S003"),
    ("store4", "陈刚（观前维修点）", "S004"),
    ("store102", "林静（万象城店）", "S102"),
    ("store201", "马超（三里屯店）", "S201"),
    ("store202", "何雪（滨江道店）", "S202"),
]

# How busy each store's after-sales counter is (relative share of the history's returns).
STORE_WEIGHTS = {"S001": 24, "S002": 18, "S101": 18, "S003": 9, "S004": 6, "S102": 10, "S201": 9, "S202": 6}

COLORS = ["黑色", "藏青", "卡其", "白色", "浅灰", "深灰", "米白", "军绿", "酒红", "雾霾蓝"]
# Sizes by category: garments in letter and GB/T 1335 sizes, trousers by waist, shoes by EU size.
SIZES = {
    "JK": ["S", "M", "L", "XL", "XXL", "170/88A", "175/92A", "180/96A"],
    "TS": ["S", "M", "L", "XL", "165/84A", "170/88A", "175/92A"],
    "KZ": ["29", "30", "31", "32", "33", "34", "36"],
    "ZZ": ["S", "M", "L", "XL", "170/88A", "175/92A"],
    "XL": ["38", "39", "40", "41", "42", "43", "44"],
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN_NAMES = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀兰", "霞", "平", "刚", "桂英", "晨", "子涵", "欣怡", "梓轩", "浩然", "雨桐", "思远", "佳怡", "俊杰", "晓峰",
    "海燕", "建华", "文博", "一鸣", "诗琪",
]  # fmt: skip
PHONE_PREFIXES = ["131", "135", "136", "137", "138", "139", "150", "151", "158", "159", "186", "187", "188", "189"]

# What the customer said, by reported defect code (the store writes it down at the counter).
DEFECT_STORIES = {
    "D01": ["腋下开线约3厘米", "裤裆缝线开裂", "侧缝脱线，穿了两次就开了", "袖口缝线开线"],
    "D02": ["第一次手洗就严重掉色，染到了白色内衣", "领口处明显褪色", "洗后颜色发花"],
    "D03": ["穿了一周袖子和侧面大面积起球", "腋下起球严重", "前片起毛起球"],
    "D04": ["拉链头脱落，无法拉合", "拉链齿崩开", "拉链卡死拉不动", "拉链头断裂"],
    "D05": ["第二颗纽扣脱落", "袖扣掉了一颗", "四合扣松脱"],
    "D06": ["肩部面料出现小破洞", "后背面料有破洞，顾客称未勾挂", "口袋边磨破"],
    "D07": ["前襟有不明污渍，洗不掉", "领口发黄有污渍", "购买时未发现的油渍"],
    "D08": ["袖子被勾破", "顾客称被门夹破", "烟头烫了一个洞"],
    "D09": ["洗后缩水一个码", "机洗后变形，衣长变短", "领口洗后变形"],
    "D10": ["左右两片颜色不一致", "袖子与衣身有色差"],
    "D11": ["按洗标以外方式烘干后变硬", "羊毛衫机洗后毡化"],
    "D12": ["鞋底前掌开胶", "后跟开胶", "鞋底与鞋面分离约2厘米"],
    "D13": ["胸前印花开裂脱落", "洗后印花起皮"],
}
# Reports with no defect code: only the customer's words.
UNCODED_STORIES = ["顾客说穿着不舒服，怀疑质量问题", "有异味", "穿着起静电严重", "尺码与标注不符", "做工粗糙，线头多"]

# Why a store logged a return outside the category's windows or warranty.
POLICY_REASONS = [
    "VIP会员，经区域经理同意按质量问题特殊处理",
    "顾客出差在外，超期返回，质量问题明显，店长同意受理",
    "老顾客投诉，经服务热线协调同意受理",
    "同款已有多起相同问题，先行受理待鉴定",
]

INSPECTION_NOTES = {
    "repairable": ["可修复：更换配件后复检", "缝线修补即可", "局部修复，不影响外观"],
    "supplier_rework": ["需工厂返修，已与工厂确认", "面料问题需工厂整片更换"],
    "no_defect": ["经鉴定无质量问题，属正常现象", "按洗标护理即可，未发现缺陷"],
    "unrepairable": ["面料损伤无法修复，建议报废", "整体变形，修复成本高于成本价", "严重褪色，无法修复"],
}
SUPPLIER_AGREEMENTS = ["工厂同意返修（电话确认）", "工厂QC陈工邮件同意返修", "按年度质量协议返修"]
REPAIR_WORK = {
    "P-ZIP-5": "更换5号金属拉链",
    "P-ZIP-3": "更换3号尼龙拉链",
    "P-BTN-18": "补钉纽扣并加固",
    "P-SNAP-15": "更换四合扣",
    "P-THR-40": "重新缝合开线处",
    "P-LIN-01": "更换里布、修补破洞",
    "P-GLUE-01": "鞋底重新粘合压实",
    "P-LBL-01": "更换洗水唛",
}
# Spare parts a repair uses, by defect code (and the thread almost every repair needs).
REPAIR_PARTS = {
    "D01": ["P-THR-40"],
    "D04": ["P-ZIP-5", "P-ZIP-3"],
    "D05": ["P-BTN-18", "P-SNAP-15"],
    "D06": ["P-LIN-01"],
    "D12": ["P-GLUE-01"],
}
# (carrier, tracking-number prefix): the prefix plus 12 random digits fits the carrier's pattern (AFTERSALES_CARRIERS).
CARRIERS = [("顺丰速运", "SF"), ("中通快递", "75"), ("圆通速递", "YT8"), ("德邦快递", "DPK")]

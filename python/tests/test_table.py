"""Tables as sdebnn reads them (data.safetensors, written by sdebnn): the schema fitted from a CSV
file (column types, sorted categories and class names, mean and population std of the seeded
training part), the training part and every row encoded bit for bit, CSV quoting, comments and
line endings as sdebnn's reader; bad cells raise DataError naming the file, line and column."""
import json
import os
import tempfile
import unittest

import torch

from sdebnn_torch.checkpoint import decode_safetensors, js_json
from sdebnn_torch.config import resolve
from sdebnn_torch.errors import DataError
from sdebnn_torch.table import encode_table, fit_schema, load_tabular_data, prepare_tabular, read_table, read_table_file

CASES = os.environ.get("SDEBNN_TORCH_CASES", "")


class SameTables(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(CASES, "data.safetensors"), "rb") as f:
            cls.t, cls.meta = decode_safetensors(f.read())

    def test_schemas_and_encodings_as_in_sdebnn(self):
        fits = json.loads(self.meta["tabular_fits"])
        self.assertGreaterEqual(len(fits), 4)
        for i, (tree, fitted) in enumerate(fits):
            with self.subTest(fit=i, file=os.path.basename(tree["data"]["file"])):
                cfg = prepare_tabular(resolve(tree))
                self.assertEqual(js_json(cfg), js_json(fitted))
                train, _ = load_tabular_data(cfg)
                self.assertTrue(torch.equal(train["x"], self.t[f"fit{i}.train.x"].data))
                self.assertTrue(torch.equal(train["y"].to(self.t[f"fit{i}.train.y"].data.dtype), self.t[f"fit{i}.train.y"].data))
                x, y = encode_table(read_table_file(cfg["data"]["file"], "data"), cfg["data"]["schema"], True)
                self.assertTrue(torch.equal(x, self.t[f"fit{i}.all.x"].data))
                self.assertTrue(torch.equal(y.to(self.t[f"fit{i}.all.y"].data.dtype), self.t[f"fit{i}.all.y"].data))
        quirks = fits[3][1]["data"]["schema"]
        self.assertEqual([f["name"] for f in quirks["features"]], ["a", "b c", "cat"])
        self.assertEqual(quirks["features"][2]["categories"], ["plain", 'say "hi"', "x, y"])

    def test_bad_cells_are_named(self):
        t = read_table("a,b,y\n1,red,2\n2,blue,3\n3,red,5\n", "t.csv")
        schema, task = fit_schema(t, "y")
        self.assertEqual(task, "regression")
        with self.assertRaisesRegex(DataError, r't.csv: line 3, column 2 \("b"\): unknown category "green": expected one of "blue", "red"'):
            encode_table(read_table("a,b,y\n1,red,2\n2,green,3\n", "t.csv"), schema, True)
        with self.assertRaisesRegex(DataError, r't.csv: line 2, column 1 \("a"\): missing value "NA"'):
            fit_schema(read_table("a,b,y\nNA,red,2\n2,blue,3\n", "t.csv"), "y")
        with self.assertRaisesRegex(DataError, r't.csv: line 3, column 1 \("a"\): expected a number in this numeric column, got "2x"'):
            fit_schema(read_table("a,b,y\n1,red,2\n2x,blue,3\n3,red,4\n", "t.csv"), "y")
        with self.assertRaisesRegex(DataError, r"t.csv: line 2, column 2: unterminated quoted field"):
            read_table('a,b\n1,"x\n', "t.csv")
        with self.assertRaisesRegex(DataError, r'column 1 \("a"\) is constant \(1\) on the 2 training rows'):
            fit_schema(read_table("a,y\n1,2\n1,3\n", "t.csv"), "y")
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaisesRegex(DataError, "cannot read the data file"):
                read_table_file(os.path.join(d, "absent.csv"), "data file")


if __name__ == "__main__":
    unittest.main()

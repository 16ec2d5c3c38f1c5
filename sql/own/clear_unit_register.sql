-- clear_unit_register: empties own_unit before rebuild_unit_register.sql fills it again from the fact tables.
-- returns: one row, the number of rows deleted
-- params: none
DELETE FROM own_unit;
